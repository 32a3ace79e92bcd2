/**
 * The crash from issue 17, end to end: PostgreSQL, a real `temporal server start-dev` and a
 * worker process, both killed with SIGKILL mid-task. The workflow task that wrote `waiting`
 * never completes; its retry sees the `paid` that arrived meanwhile and ends the recovery
 * `cancelled`. That final transition must reach the audit table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { startDevServer, type DevServer } from '../../src/embedded/temporal-dev-server';
import { startApi, type RunningApi } from '../../src/runtime/api';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { recoveryWorkflowId, type RecoveryState } from '../../workflows/definitions';
import { pgTestDb, type TestDb } from '../helpers/db';
import { tribopayBodyNow } from '../helpers/e2e-stack';
import { freePort } from '../helpers/ports';
import { eventually, spawnEntrypoint, stopProcess, type Spawned } from '../helpers/processes';
import { quietTemporalRuntime, TEST_PAYLOAD_KEYS, testDataConverter } from '../helpers/temporal';

const PHONE = '+5511987651234';
const WEBHOOK_SECRET = 'audit-crash-webhook-secret';
let dir: string;
let ports: { port: number; uiPort: number };
let temporal: DevServer;
let testDb: TestDb;
let emulator: TwilioEmulator;
let api: RunningApi;
let worker: Spawned;
let env: Record<string, string>;

/** The same server each time: one SQLite file, one address, so a restart resumes it. */
function startTemporal(): Promise<DevServer> {
  return startDevServer({
    dbFile: path.join(dir, 'temporal.sqlite'),
    ...ports,
    namespace: 'default',
    logFile: path.join(dir, 'temporal.log'),
  });
}

async function startWorkerProcess(): Promise<Spawned> {
  const spawned = spawnEntrypoint('worker', env);
  await spawned.waitFor(/worker polling/);
  return spawned;
}

beforeAll(async () => {
  quietTemporalRuntime();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-crash-'));
  ports = { port: await freePort(), uiPort: await freePort() };
  let apiPort: number;
  [temporal, testDb, emulator, apiPort] = await Promise.all([
    startTemporal(),
    pgTestDb(),
    startTwilioEmulator({ port: 0 }),
    freePort(),
  ]);
  env = {
    DATABASE_URL: testDb.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'e2e-audit-crash',
    RECOVERY_DELAY: '10m',
    QUIET_HOURS: 'off',
    TWILIO_ACCOUNT_SID: emulator.accountSid,
    TWILIO_AUTH_TOKEN: emulator.authToken,
    TWILIO_PHONE_NUMBER: '+15005550006',
    TWILIO_API_URL: emulator.url,
    PORT: String(apiPort),
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    WEBHOOK_SECRET,
    LOG_LEVEL: 'info',
  };
  api = await startApi(loadConfig(env), testDb.db, pino({ level: 'silent' }), '127.0.0.1');
  worker = await startWorkerProcess();
}, 90_000);

afterAll(async () => {
  if (worker) await stopProcess(worker);
  await api?.close();
  await Promise.all([temporal?.stop(), emulator?.close(), testDb?.drop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function tribopay(id: string, status: string): Promise<Response> {
  return fetch(`${api.url}/api/webhooks/tribopay/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-token': WEBHOOK_SECRET },
    body: tribopayBodyNow(id, status, PHONE),
  });
}

/** Whether some session is waiting for a lock on recovery_events (the worker's insert). */
async function insertBlocked(): Promise<boolean> {
  const { rows } = await testDb.db.raw<{ rows: unknown[] }>(
    `select 1 from pg_stat_activity
      where wait_event_type = 'Lock' and query ilike '%insert into "recovery_events"%'`,
  );
  return rows.length > 0;
}

test('Temporal and the worker killed mid-task: the retried task still records cancelled', async () => {
  const id = `e2e-crash-${Date.now()}`;
  const trx = await testDb.db.transaction();
  try {
    // Held so the first task's `waiting` row can't commit until Temporal is frozen.
    await trx.raw('lock table recovery_events in exclusive mode');
    expect((await tribopay(id, 'waiting_payment')).status).toBe(202);
    await eventually(insertBlocked, 20_000, "the worker's waiting row, blocked by the lock");
    expect((await tribopay(id, 'paid')).status).toBe(202);
    process.kill(temporal.pid, 'SIGSTOP');
  } finally {
    await trx.commit();
  }
  await eventually(
    async () => (await transitionsForPayment(testDb.db, 'tribopay', id)).length > 0,
    20_000,
    'the waiting row, committed while Temporal is frozen',
  );
  await stopProcess(worker, 'SIGKILL');
  process.kill(temporal.pid, 'SIGKILL');
  await eventually(() => !processAlive(temporal.pid), 10_000, 'Temporal gone');

  temporal = await startTemporal();
  worker = await startWorkerProcess();
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, dataConverter: testDataConverter });
    const handle = client.workflow.getHandle(recoveryWorkflowId('tribopay', id));
    const final: RecoveryState = await handle.result();
    expect(final.status).toBe('cancelled');
  } finally {
    await connection.close();
  }
  const audit = await transitionsForPayment(testDb.db, 'tribopay', id);
  expect(audit.map((row) => row.transition)).toEqual(['waiting', 'cancelled']);
  expect(emulator.messages()).toHaveLength(0);
}, 90_000);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
