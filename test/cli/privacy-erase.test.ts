import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { pgTestDb, type TestDb } from '../helpers/db';
import { createTimeSkippingEnv, TEST_PAYLOAD_KEYS } from '../helpers/temporal';
import { insertEvents, insertSms } from '../monitoring/seed';
import { errorLine, runCli } from './run-cli';

const PHONE = '+5511943218765';
let env: TestWorkflowEnvironment;
let testDb: TestDb;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createTimeSkippingEnv(), pgTestDb()]);
  cliEnv = {
    DATABASE_URL: testDb.url,
    TEMPORAL_ADDRESS: env.address,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  };
  const at = new Date();
  await insertEvents(testDb.db, [
    {
      gateway: 'tribopay',
      paymentId: 'cli-1',
      method: 'pix',
      status: 'waiting',
      receivedAt: at,
      phoneE164: PHONE,
    },
    {
      gateway: 'tribopay',
      paymentId: 'cli-2',
      method: 'pix',
      status: 'waiting',
      receivedAt: at,
      phoneE164: '+5511900001111',
    },
  ]);
  await insertSms(testDb.db, [
    {
      workflowId: 'recovery:tribopay:cli-1',
      paymentId: 'cli-1',
      toE164: PHONE,
      status: 'delivered',
      createdAt: at,
    },
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([env?.teardown(), testDb?.drop()]);
});

test('privacy erase anonymises the rows about the number and prints what it changed, per table', async () => {
  const run = await runCli(['privacy', 'erase', '--phone', '(11) 94321-8765'], cliEnv);

  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/webhook_events +1\n/);
  expect(run.stdout).toMatch(/sms_messages +1\n/);
  expect(run.stdout).toMatch(/suppressed_numbers +1\n/);
  expect(run.stdout).toContain('recoveries ended: 0');
  expect(`${run.stdout}${run.stderr}`).not.toContain('43218765');
  const rows = JSON.stringify(await testDb.db('webhook_events').select());
  expect(rows).not.toContain('43218765');
  expect(rows).toContain('900001111');
  const suppressed = await testDb.db('suppressed_numbers').where({ phone_e164: PHONE });
  expect(suppressed).toHaveLength(1);
}, 60_000);

test('a second erasure of the number changes nothing (--json)', async () => {
  const run = await runCli(['privacy', 'erase', '--phone', PHONE, '--json'], cliEnv);

  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({
    tables: {
      webhook_events: 0,
      sms_messages: 0,
      recovery_events: 0,
      sms_send_claims: 0,
      suppressed_numbers: 0,
    },
    recoveriesEnded: 0,
  });
}, 60_000);

test('a missing or unreadable number is a usage error naming --phone', async () => {
  const run = await runCli(['privacy', 'erase', '--phone', 'nope'], cliEnv);

  expect(run.code).toBe(2);
  expect(errorLine(run)).toMatch(/--phone/);
});
