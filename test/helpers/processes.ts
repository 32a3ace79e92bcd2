import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line of output matches, rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Runs a compiled entrypoint (`dist/src/bin/<name>.js`) with the given environment. */
export function spawnEntrypoint(
  name: string,
  env: Record<string, string>,
  args: string[] = [],
): Spawned {
  const script = path.join(ROOT, 'dist/src/bin', `${name}.js`);
  return spawnCommand(name, process.execPath, [script, ...args], env);
}

/**
 * Runs node through scripts/worker-node.sh, as `npm start`, `npm run start:worker` and
 * compose's worker do: `args` are node's (an entrypoint's path, or `-e` and a script).
 */
export function spawnWorkerNode(args: string[], env: Record<string, string>, cwd = ROOT): Spawned {
  return spawnCommand(
    'worker-node.sh',
    'sh',
    [path.join(ROOT, 'scripts/worker-node.sh'), ...args],
    env,
    cwd,
  );
}

/** `npm run <script>` in the project, with only `env` (and PATH, HOME) from outside. */
export function spawnNpmScript(script: string, env: Record<string, string>): Spawned {
  return spawnCommand(`npm run ${script}`, 'npm', ['run', '--silent', script], env);
}

function spawnCommand(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
): Spawned {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
    listeners.forEach((l) => l());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    exited,
    output: () => text,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) done(resolve);
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${text}`))),
          timeoutMs,
        );
        const onExit = () =>
          done(() => reject(new Error(`${name} exited before ${pattern}; output:\n${text}`)));
        const done = (finish: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
          finish();
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}

export async function stopProcess(
  spawned: Spawned,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (spawned.child.exitCode === null && spawned.child.signalCode === null)
    spawned.child.kill(signal);
  return spawned.exited;
}

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
type Falsy = false | null | undefined | 0 | '';

export async function eventually<T>(
  check: () => T | Falsy | Promise<T | Falsy>,
  timeoutMs = 20_000,
  what: string | (() => string) = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
