import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { handleWebhook } from '../../src/intake/handle-webhook';
import { createOutboxRelay } from '../../src/intake/outbox-relay';
import { parseWebhook } from '../../src/gateways';
import { createRecoveryClient } from '../../src/temporal/recovery-client';
import { pgTestDb, type TestDb } from '../helpers/db';
import { INTAKE_DELAY_MS, INTAKE_TASK_QUEUE } from '../helpers/http';
import { grpcError } from '../helpers/cancel-race-relay';
import { startStallingRelay, type StallingRelay } from '../helpers/stalling-relay';
import { paymentStatusSignal, type PaymentUpdate } from '../../workflows/definitions';
import { createTimeSkippingEnv, testDataConverter } from '../helpers/temporal';
import { ghostpay, newPaymentId } from '../http/webhook-payloads';

const silent = pino({ level: 'silent' });
const CLAIM_MS = 4_000;
let env: TestWorkflowEnvironment;
let proxy: StallingRelay;
let connection: Connection;
let target: TestDb;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  proxy = await startStallingRelay(env.address);
  connection = await Connection.connect({ address: proxy.address });
  target = await pgTestDb();
}, 60_000);

afterAll(async () => {
  await connection?.close();
  await proxy?.close();
  await target?.drop();
  await env?.teardown();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The recovery client over `connection`, settings as the intake tests use. */
function recoveriesOver(client: Client) {
  return createRecoveryClient(client, {
    taskQueue: INTAKE_TASK_QUEUE,
    delayMs: INTAKE_DELAY_MS,
    attributionWindowMs: 24 * 3_600_000,
  });
}

test('a hand-off whose describe stalls past its claim leaves the audit to the sweep that repeated it', async () => {
  const recoveries = recoveriesOver(new Client({ connection, dataConverter: testDataConverter }));
  const relay = createOutboxRelay({
    db: target.db,
    recoveries,
    logger: silent,
    settings: { claimMs: CLAIM_MS, sweepIntervalMs: 60_000 },
  });
  const paymentId = newPaymentId('stall');
  const parsed = parseWebhook('ghostpay', ghostpay(paymentId));
  if (!parsed.ok) throw new Error('fixture does not parse');
  // Another webhook for the payment starts its recovery a moment before this one's
  // signalWithStart, which hears that the recovery already exists (the race the
  // recovery client answers with describe, then signal).
  proxy.once('SignalWithStartWorkflowExecution', async () => {
    const other = { status: 'waiting' as const, eventId: 'ghostpay:concurrent' };
    await recoveriesOver(env.client).signal('ghostpay', paymentId, other);
    return grpcError('6', 'Workflow execution already started');
  });
  // Then Temporal browns out: the direct hand-off's describe hangs until the test lets it go.
  let releaseDescribe = () => {};
  const describeHeld = new Promise<void>((held) => {
    proxy.once('DescribeWorkflowExecution', async (send) => {
      held();
      await new Promise<void>((release) => (releaseDescribe = release));
      return send();
    });
  });

  const stored = await handleWebhook(
    { db: target.db, relay },
    { event: parsed.event, rawBody: JSON.stringify(parsed.event), contentType: 'application/json' },
  );
  await describeHeld;
  await sleep(CLAIM_MS + 200);
  // The hand-off gave up on the describe (its deadline: nothing else ends the stall) within
  // half its claim and let the row go.
  expect(await target.db('outbox')).toMatchObject([
    {
      claimed_until: null,
      last_error: expect.stringMatching(/^Failed to describe workflow: .*DEADLINE_EXCEEDED/),
    },
  ]);
  // The claim ran out: a sweep repeats the row, and the running recovery takes the update.
  expect(await relay.sweep()).toBe(1);
  const workflow = env.client.workflow.getHandle(`recovery:ghostpay:${paymentId}`);
  expect(await receivedEventIds(workflow)).toContain(`ghostpay:${stored.eventId}`);
  // An operator closes the recovery; only then does the stalled describe answer.
  await workflow.terminate('operator');
  releaseDescribe();
  await relay.idle();

  const event = await target.db('webhook_events').where({ id: stored.eventId }).first();
  expect(event.outcome).toBe(stored.outcome);
  expect(event.handed_off_at).not.toBeNull();
  expect(await target.db('outbox')).toEqual([]);
}, 30_000);

/** The event ids of the paymentStatus signals in the recovery's history. */
async function receivedEventIds(workflow: WorkflowHandle): Promise<string[]> {
  const history = await workflow.fetchHistory();
  const ids: string[] = [];
  for (const event of history.events ?? []) {
    const signalled = event.workflowExecutionSignaledEventAttributes;
    if (signalled?.signalName !== paymentStatusSignal.name) continue;
    const [update] = await decodeArrayFromPayloads(
      env.client.options.loadedDataConverter,
      signalled.input?.payloads,
    );
    ids.push(String((update as PaymentUpdate).eventId));
  }
  return ids;
}
