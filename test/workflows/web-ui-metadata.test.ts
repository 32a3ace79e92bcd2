/**
 * What an operator reads in the Temporal Web UI without opening a recovery's history: the
 * summary and details set at start, the current details the workflow keeps up to date,
 * and the SMS activity's retry policy. Time-skipping server, real workflow and activities.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import { recoveryMetadata } from '../../src/temporal/recovery-metadata';
import type { TwilioEmulator } from '../../src/twilio-emulator';
import { paymentStatusSignal, recoveryWorkflowId } from '../../workflows/definitions';
import { sqliteTestDb } from '../helpers/db';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';
import { testCodec } from '../helpers/temporal';

const DELAY_MS = 10 * 60_000;
const TASK_QUEUE = 'web-ui-metadata';
const PHONE = '+5511987654321';

let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let emulator: TwilioEmulator;
let recoveries: RecoveryClient;
let seq = 0;

beforeAll(async () => {
  fixture = await startRecoveryFixture({ taskQueue: TASK_QUEUE, database: sqliteTestDb });
  ({ env, emulator } = fixture);
  recoveries = fixture.recoveries({ attributionWindowMs: 3_600_000 });
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
});

/** A waiting payment received now by the server's clock (earlier tests move it ahead). */
async function start(paymentId: string) {
  return recoveries.signal('tribopay', paymentId, {
    status: 'waiting',
    phoneE164: PHONE,
    customerName: 'Maria Silva',
    amountCentavos: 4990,
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
  });
}

const currentDetails = async (workflowId: string) =>
  (
    await env.client.workflow
      .getHandle(workflowId)
      .query<{ currentDetails: string }>('__temporal_workflow_metadata')
  ).currentDetails;

test('the summary names gateway, amount, masked phone and due time; never the full phone or the name', () => {
  // Created 13:22 in São Paulo: due ten minutes later. (The time-skipping server keeps no
  // user metadata; the end-to-end test reads it back from a real server.)
  const { staticSummary, staticDetails } = recoveryMetadata(
    {
      gateway: 'tribopay',
      paymentId: 'p-1',
      delayMs: DELAY_MS,
      steps: [DELAY_MS, 3 * 3_600_000],
      attributionWindowMs: 3_600_000,
      quietHours: { startMinute: 22 * 60, endMinute: 9 * 60, timeZone: 'America/Sao_Paulo' },
    },
    {
      status: 'waiting',
      phoneE164: PHONE,
      customerName: 'Maria Silva',
      amountCentavos: 4990,
      createdAt: '2026-11-27T13:22:00-03:00',
      receivedAt: '2026-11-27T16:22:30Z',
    },
    Date.parse('2026-11-27T16:22:31Z'),
  );

  expect(staticSummary).toBe(
    'tribopay · R$ 49,90 · +55 11 9****-4321 · SMS due 27/11 13:32 America/Sao_Paulo',
  );
  expect(staticDetails).toContain('Step 1: 10m after the payment was created');
  expect(staticDetails).toContain('Step 2: 3h after step 1 fell due');
  expect(staticDetails).toContain('Quiet hours 22:00–09:00 America/Sao_Paulo');
  expect(staticDetails).toContain('within 1h');
  expect(staticDetails).toContain('retried after 5s');
  for (const text of [staticSummary, staticDetails]) {
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('Maria');
  }
});

test('the current details follow the recovery: waiting until, SMS sent, and how it ended', async () => {
  seq += 1;
  const paymentId = `meta-${process.pid}-${seq}`;
  const workflowId = recoveryWorkflowId('tribopay', paymentId);
  emulator.reset();
  await start(paymentId);
  await env.sleep(1_000);
  expect(await currentDetails(workflowId)).toMatch(/^step 1: waiting until \d\d\/\d\d \d\d:\d\d /);

  await env.sleep(DELAY_MS + 60_000);
  const sid = emulator.messages()[0]?.sid;
  expect(sid).toBeDefined();
  expect(await currentDetails(workflowId)).toBe(
    `step 1: SMS sent ${sid}; watching for the payment`,
  );

  await env.client.workflow.getHandle(workflowId).signal(paymentStatusSignal, { status: 'paid' });
  await env.client.workflow.getHandle(workflowId).result();
  expect(await currentDetails(workflowId)).toMatch(/^recovered/);
});

test('a paid status before the SMS shows as "cancelled: paid"', async () => {
  seq += 1;
  const paymentId = `meta-${process.pid}-${seq}`;
  const workflowId = recoveryWorkflowId('tribopay', paymentId);
  await start(paymentId);
  await env.client.workflow.getHandle(workflowId).signal(paymentStatusSignal, { status: 'paid' });
  await env.client.workflow.getHandle(workflowId).result();
  expect(await currentDetails(workflowId)).toMatch(/^cancelled: paid/);
});

test('the SMS activity carries its retry policy as its summary, where the Web UI shows it', async () => {
  seq += 1;
  const paymentId = `meta-${process.pid}-${seq}`;
  const workflowId = recoveryWorkflowId('tribopay', paymentId);
  await start(paymentId);
  await env.client.workflow.getHandle(workflowId).result();
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
  // Encrypted like every payload; the Web UI shows it through the codec server.
  const [payload] = await testCodec.decode([scheduled.userMetadata!.summary!]);
  const summary = JSON.parse(Buffer.from(payload.data!).toString()) as string;
  expect(summary).toContain('retried after 5s, doubling, at most 5m apart, for up to 1h');
  expect(summary).toContain('permanent Twilio errors fail at once');
});
