import fs from 'node:fs';

/**
 * A dev server left behind by a run that was killed outright (SIGKILL, a closed terminal)
 * still holds its port and database file; the next start stops it first.
 */
export function stopStaleProcess(pidFile: string, mustMention: string): number | null {
  const pid = Number(readOrEmpty(pidFile));
  if (!Number.isInteger(pid) || pid <= 1) return null;
  const cmdline = readOrEmpty(`/proc/${pid}/cmdline`).replace(/\0/g, ' ');
  fs.rmSync(pidFile, { force: true });
  if (!cmdline.includes(mustMention)) return null; // the pid was reused by something else
  try {
    process.kill(pid, 'SIGTERM');
    return pid;
  } catch {
    return null;
  }
}

export function writePidFile(pidFile: string, pid: number): void {
  fs.writeFileSync(pidFile, `${pid}\n`);
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Waits until no process has this pid, up to `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid, 'SIGKILL');
}
