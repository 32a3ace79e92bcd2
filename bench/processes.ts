import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

/**
 * Every process the bench starts runs in a process group of its own (`detached`), so that
 * it can be stopped with everything it started in turn (npm → jest → test servers), and
 * so that Ctrl-C reaches the bench alone, which then stops them in order. Whatever is
 * still registered when the bench exits — normally, on an error or on a signal — gets
 * SIGKILL to its whole group.
 */
const groups = new Set<number>();

export interface Started {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** The process's output so far (stdout and stderr go to `logFile`). */
  output(): string;
  /** Resolves once a line of output matches; rejects if the process exits or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

/** Output goes straight to a file, not through the bench, so it costs the bench nothing. */
export function startProcess(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string; ipc?: boolean },
): Started {
  const log = fs.openSync(options.logFile, 'a');
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env,
    stdio: options.ipc ? ['ignore', log, log, 'ipc'] : ['ignore', log, log],
    detached: true,
  };
  const child = spawn(command, args, spawnOptions);
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  return adopt(child, pid, options.logFile);
}

function adopt(child: ChildProcess, pid: number, logFile: string): Started {
  groups.add(pid);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  const output = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  return {
    child,
    pid,
    logFile,
    output,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) => waitForOutput(child, output, pattern, timeoutMs),
    async stop(graceMs = 10_000) {
      await stopGroup(pid, exited, graceMs);
    },
  };
}

async function waitForOutput(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (pattern.test(output())) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`process exited before printing ${pattern}:\n${tail(output())}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${pattern}:\n${tail(output())}`);
    }
    await sleep(50);
  }
}

/** SIGTERM to the group, SIGKILL if it hasn't exited within the grace time. */
export async function stopGroup(
  pid: number,
  exited: Promise<unknown>,
  graceMs = 10_000,
): Promise<void> {
  if (!groups.has(pid)) return;
  signalGroup(pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      signalGroup(pid, 'SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([exited, killed]);
  clearTimeout(timer);
  // Children of the group leader (jest workers, test servers) may outlive it.
  signalGroup(pid, 'SIGKILL');
  groups.delete(pid);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Synchronous, so it also runs from process.on('exit'). */
export function killAllGroups(): void {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
  groups.clear();
}

/**
 * On SIGINT/SIGTERM, `cleanUp` runs once (stopping things in order); a second signal, or
 * a clean-up that takes too long, kills every group at once. On any exit, whatever is left
 * is killed.
 */
export function installCleanup(cleanUp: () => Promise<void>): void {
  process.on('exit', killAllGroups);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      killAllGroups();
      process.exit(130);
    }
    stopping = true;
    console.error(`\nbench: ${signal}, stopping everything it started…`);
    const force = setTimeout(() => {
      killAllGroups();
      process.exit(130);
    }, 20_000);
    force.unref();
    cleanUp()
      .catch((err: unknown) => console.error(err))
      .finally(() => {
        killAllGroups();
        process.exit(130);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
