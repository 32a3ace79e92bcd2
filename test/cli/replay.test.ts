/** `replay --file`: recorded histories against the current workflow code. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorLine, runCli } from './run-cli';

const RECOVERED = 'test/fixtures/histories/recovered.json';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-replay-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface HistoryJson {
  events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[];
}

/** The recorded history with the SMS activity renamed, as if the code had changed under it. */
function corruptedHistory(): string {
  const history = JSON.parse(fs.readFileSync(RECOVERED, 'utf8')) as HistoryJson;
  const scheduled = history.events
    .map((e) => e.activityTaskScheduledEventAttributes)
    .find((attributes) => attributes?.activityType.name === 'sendRecoverySms');
  if (!scheduled) throw new Error(`${RECOVERED} schedules no sendRecoverySms`);
  scheduled.activityType.name = 'sendRecoveryEmail';
  const file = path.join(dir, 'corrupted.json');
  fs.writeFileSync(file, JSON.stringify(history));
  return file;
}

test('a recorded history replays against the current workflow code: OK and exit 0', async () => {
  const events = (JSON.parse(fs.readFileSync(RECOVERED, 'utf8')) as HistoryJson).events.length;

  const run = await runCli(['replay', '--file', RECOVERED]);

  expect(run.stdout.trim()).toBe(`replayed ${events} events: OK`);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
});

test('a history the code no longer matches is a non-determinism error on one line, exit 1', async () => {
  const run = await runCli(['replay', '--file', corruptedHistory()]);

  expect(run.code).toBe(1);
  expect(errorLine(run)).toMatch(
    /^error: non-determinism: \[TMPRL1100\] Nondeterminism error: Activity type of scheduled event 'sendRecoveryEmail' does not match .*'sendRecoverySms'/,
  );
  expect(run.stdout).toBe('');
});

test('a file that is not a history is refused by name', async () => {
  const run = await runCli(['replay', '--file', 'package.json']);

  expect(run.code).toBe(1);
  expect(errorLine(run)).toMatch(/^error: package\.json is not a workflow history/);
});

test('replay needs exactly one of a workflow id and --file', async () => {
  const both = await runCli(['replay', 'recovery:tribopay:x', '--file', RECOVERED]);
  const neither = await runCli(['replay']);

  expect([both.code, neither.code]).toEqual([2, 2]);
  expect(errorLine(both)).toBe('error: replay: give either a workflow id or --file <history.json>');
  expect(errorLine(neither)).toBe(
    'error: replay: give either a workflow id or --file <history.json>',
  );
});
