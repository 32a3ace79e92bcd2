import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

/**
 * `DATA_DIR/run.json`: what a running `npm start` offers the CLI beside it. Today the
 * local Twilio emulator, whose credentials are fixed development values, not secrets; the
 * file is still written for the owner only.
 */
export interface RunFile {
  pid: number;
  twilioEmulator: { url: string; accountSid: string; authToken: string; from: string };
}

export const runFilePath = (dataDir: string) => path.join(dataDir, 'run.json');

export function writeRunFile(dataDir: string, contents: RunFile): void {
  fs.writeFileSync(runFilePath(dataDir), `${JSON.stringify(contents, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** Removes the file only if it is this process's: a newer `npm start` may have replaced it. */
export function removeRunFile(dataDir: string, pid = process.pid): void {
  if (readRunFile(dataDir)?.pid === pid) fs.rmSync(runFilePath(dataDir), { force: true });
}

/** The run file of an `npm start` still running, or null (none, unreadable, or stale). */
export function readRunFile(dataDir: string): RunFile | null {
  try {
    const file = JSON.parse(fs.readFileSync(runFilePath(dataDir), 'utf8')) as RunFile;
    process.kill(file.pid, 0); // throws when that process is gone
    return file;
  } catch {
    return null;
  }
}

/**
 * Without Twilio settings of its own, a command beside `npm start` sends through the
 * emulator it runs, as the service does. Configured Twilio always wins.
 */
export function withRunningEmulator(config: Config): { config: Config; emulatorUrl?: string } {
  if (config.twilio || config.twilioApiUrl) return { config };
  const emulator = readRunFile(config.dataDir)?.twilioEmulator;
  if (!emulator) return { config };
  return {
    config: {
      ...config,
      twilio: {
        accountSid: emulator.accountSid,
        authToken: emulator.authToken,
        from: emulator.from,
      },
      twilioApiUrl: emulator.url,
    },
    emulatorUrl: emulator.url,
  };
}
