/**
 * Under overload the relay can lose the write that records a hand-off after Temporal took
 * the signal ("outbox: could not record hand-off"); the row's claim then runs out and a
 * sweep hands the same delivery off again. These tests put a delivery in exactly that
 * state (Temporal has it, the database says it is still to be handed off) and sweep it.
 */
import pino from 'pino';
import type { Db } from '../../src/db/connect';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { handleWebhook } from '../../src/intake/handle-webhook';
import { createOutboxRelay } from '../../src/intake/outbox-relay';
import { parseWebhook } from '../../src/gateways';
import { createRecoveryClient, type RecoveryClient } from '../../src/temporal/recovery-client';
import { paymentStatusSignal, recoveryWorkflowId } from '../../workflows/definitions';
import { pgTestDb } from '../helpers/db';
import { parkedRelay } from '../helpers/parked-relay';
import { INTAKE_DELAY_MS, INTAKE_TASK_QUEUE } from '../helpers/http';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';
import {
  MOBILE_E164,
  newPaymentId,
  tribopayMinimalPaid,
  tribopayPostback,
} from '../http/webhook-payloads';

const silent = pino({ level: 'silent' });
let fixture: RecoveryFixture;
let db: Db;
let recoveries: RecoveryClient;

beforeAll(async () => {
  fixture = await startRecoveryFixture({ taskQueue: INTAKE_TASK_QUEUE, database: pgTestDb });
  db = fixture.testDb.db;
  recoveries = createRecoveryClient(fixture.env.client, {
    taskQueue: INTAKE_TASK_QUEUE,
    delayMs: INTAKE_DELAY_MS,
    attributionWindowMs: 24 * 3_600_000,
  });
}, 60_000);

afterAll(() => fixture?.stop());

beforeEach(() => fixture.emulator.reset());

/** Stores a webhook through the real intake; its outbox row is left for a sweep. */
async function store(body: object): Promise<{ eventId: number; outcome: string }> {
  const parsed = parseWebhook('tribopay', body);
  if (!parsed.ok) throw new Error('fixture does not parse');
  const rawBody = JSON.stringify(body);
  const result = await handleWebhook(
    { db, relay: parkedRelay },
    { event: parsed.event, rawBody, contentType: 'application/json' },
  );
  return { eventId: result.eventId, outcome: result.outcome };
}

/**
 * Hands the delivery's row off with a real relay, then puts back what a failed record
 * leaves: the outbox row, free to claim, and the delivery not marked handed off.
 */
async function handOffButLoseTheRecord(eventId: number): Promise<void> {
  const row = await db('outbox').where({ webhook_event_id: eventId }).first();
  expect(await sweep()).toBe(1);
  await db('outbox').insert({ ...row, claimed_until: null });
  await db('webhook_events').where({ id: eventId }).update({ handed_off_at: null });
}

function sweep(): Promise<number> {
  return createOutboxRelay({ db, recoveries, logger: silent }).sweep();
}

function delivery(eventId: number) {
  return db('webhook_events').where({ id: eventId }).first();
}

async function signalsReceived(paymentId: string): Promise<number> {
  const handle = fixture.env.client.workflow.getHandle(recoveryWorkflowId('tribopay', paymentId));
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.workflowExecutionSignaledEventAttributes?.signalName === paymentStatusSignal.name,
  ).length;
}

test('a waiting webhook handed off again sends one SMS, writes each transition once and keeps its outcome', async () => {
  const id = newPaymentId('again');
  const { eventId } = await store(tribopayPostback(id));
  await handOffButLoseTheRecord(eventId);

  expect(await sweep()).toBe(1);

  const handle = fixture.env.client.workflow.getHandle(recoveryWorkflowId('tribopay', id));
  // Awaiting the result lets the test server skip to the SMS and through the attribution window.
  const final = await handle.result();
  expect(final).toMatchObject({ status: 'not_recovered', updatesApplied: 1, smsSent: 1 });
  // Both signals reached it (a signal that comes during a workflow task is written after it).
  expect(await signalsReceived(id)).toBe(2);
  expect(fixture.emulator.messages().filter((m) => m.to === MOBILE_E164)).toHaveLength(1);
  const transitions = (await transitionsForPayment(db, 'tribopay', id)).map((t) => t.transition);
  expect(transitions).toEqual(['waiting', 'sending', 'sms_sent', 'not_recovered']);
  expect(await db('sms_messages').where({ payment_id: id })).toHaveLength(1);
  expect(await delivery(eventId)).toMatchObject({ outcome: 'scheduled' });
  expect((await delivery(eventId)).handed_off_at).not.toBeNull();
  expect(await db('outbox').where({ webhook_event_id: eventId })).toEqual([]);
});

test('a paid webhook handed off again after it closed the recovery stays signalled', async () => {
  const id = newPaymentId('again-paid');
  const paid = await store(tribopayMinimalPaid(id));
  expect(paid.outcome).toBe('signalled');
  await handOffButLoseTheRecord(paid.eventId);
  const handle = fixture.env.client.workflow.getHandle(recoveryWorkflowId('tribopay', id));
  expect(await handle.result()).toMatchObject({ status: 'cancelled' });

  // Temporal refuses the repeat (the recovery is closed), but its history holds this webhook.
  expect(await sweep()).toBe(1);

  expect(await delivery(paid.eventId)).toMatchObject({ outcome: 'signalled' });
  expect((await delivery(paid.eventId)).handed_off_at).not.toBeNull();
  expect(await signalsReceived(id)).toBe(1);
  const transitions = (await transitionsForPayment(db, 'tribopay', id)).map((t) => t.transition);
  expect(transitions).toEqual(['cancelled']);
  expect(
    await db('recovery_events').where({ payment_id: id, transition: 'closed_by_hand' }),
  ).toEqual([]);
});

test('a webhook the closed recovery never received is still recorded as refused', async () => {
  const id = newPaymentId('refused');
  await store(tribopayPostback(id));
  expect(await sweep()).toBe(1);
  // Stored while the recovery runs, but swept only after a paid closed it.
  const late = await store(tribopayPostback(id, { name: 'Outro Nome' }));
  expect(late.outcome).toBe('signalled');
  await recoveries.signal('tribopay', id, { status: 'paid', eventId: 'by-hand:1' });
  // Closed by the paid status (the test server's clock may have let the SMS go first).
  await fixture.env.client.workflow.getHandle(recoveryWorkflowId('tribopay', id)).result();

  expect(await sweep()).toBe(1);

  expect(await delivery(late.eventId)).toMatchObject({ outcome: 'ignored: recovery finished' });
});
