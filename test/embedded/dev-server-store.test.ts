/**
 * The dev server `npm start` runs (and the tests and the bench) keeps Temporal's state in a
 * SQLite file in WAL mode, synced at every commit: what it acknowledged survives the server
 * being killed outright, and a commit costs one sync of the log instead of the rollback
 * journal's several (docs/operations.md, "Temporal's file").
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../../src/embedded/temporal-dev-server';
import { startTestDevServer } from '../helpers/temporal';

jest.setTimeout(120_000);

/** The server's command line, as the kernel has it. */
function commandLine(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

async function killed(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the dev server ${pid} is still running`);
}

test('the file is in WAL mode, synced at every commit, and keeps a signal across kill -9', async () => {
  const server = await startTestDevServer();
  let restarted: Awaited<ReturnType<typeof startTestDevServer>> | undefined;
  try {
    const args = commandLine(server.pid);
    const pragmas = args.flatMap((arg, i) => (args[i - 1] === '--sqlite-pragma' ? [arg] : []));
    expect(pragmas).toEqual(['journal_mode=wal', 'synchronous=full']);
    expect(DEV_SERVER_SQLITE_PRAGMAS).toEqual(pragmas);
    // SQLite keeps the log beside the database while a connection has it open in WAL mode;
    // with the rollback journal there is none.
    expect(fs.existsSync(path.join(server.dir, 'temporal.sqlite-wal'))).toBe(true);

    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const handle = await client.workflow.start('notPolledByAnyWorker', {
      taskQueue: 'dev-server-store-test',
      workflowId: 'dev-server-store:kill-9',
    });
    await handle.signal('acknowledged', 'before the kill');
    await connection.close();

    // No graceful stop: whatever the server answered must already be on disk.
    await killed(server.pid);
    restarted = await startTestDevServer(server.dir);
    const again = await Connection.connect({ address: restarted.address });
    try {
      const history = await new Client({ connection: again }).workflow
        .getHandle('dev-server-store:kill-9')
        .fetchHistory();
      const signals = (history.events ?? []).filter(
        (e) => e.workflowExecutionSignaledEventAttributes,
      );
      expect(signals.map((e) => e.workflowExecutionSignaledEventAttributes?.signalName)).toEqual([
        'acknowledged',
      ]);
    } finally {
      await again.close();
    }
  } finally {
    await restarted?.stop();
    await server.stop();
  }
});
