import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import type { Db } from '../../src/db/connect';
import { insertOutboxEntry, outboxBacklog } from '../../src/db/outbox';
import { handleWebhook } from '../../src/intake/handle-webhook';
import { createOutboxRelay, type OutboxRelaySettings } from '../../src/intake/outbox-relay';
import { parseWebhook } from '../../src/gateways';
import { createRecoveryClient, type RecoveryClient } from '../../src/temporal/recovery-client';
import { paymentStatusSignal } from '../../workflows/definitions';
import { pgTestDb, sqliteTestDb, type TestDb } from '../helpers/db';
import { parkedRelay } from '../helpers/parked-relay';
import { INTAKE_DELAY_MS, INTAKE_TASK_QUEUE } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { ghostpay, newPaymentId, tribopayPostback } from '../http/webhook-payloads';

const silent = pino({ level: 'silent' });
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);

afterAll(() => env?.teardown());

/** The real recovery client, with a log of which updates it was asked to signal and how many at once. */
function recordingClient() {
  const real = createRecoveryClient(env.client, {
    taskQueue: INTAKE_TASK_QUEUE,
    delayMs: INTAKE_DELAY_MS,
    attributionWindowMs: 24 * 3_600_000,
  });
  const started: string[] = [];
  const signalled: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client: RecoveryClient = {
    ...real,
    async signal(gateway, paymentId, update) {
      started.push(update.eventId!);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const result = await real.signal(gateway, paymentId, update);
        signalled.push(update.eventId!);
        return result;
      } finally {
        inFlight -= 1;
      }
    },
  };
  return { client, started, signalled, maxInFlight: () => maxInFlight };
}

/** Stores webhooks through the real intake, leaving every outbox row free for a sweep. */
async function storeUnclaimed(db: Db, count: number): Promise<string[]> {
  const eventIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const parsed = parseWebhook('ghostpay', ghostpay(newPaymentId('relay')));
    if (!parsed.ok) throw new Error('fixture does not parse');
    const body = JSON.stringify(parsed.event);
    const result = await handleWebhook(
      { db, relay: parkedRelay },
      { event: parsed.event, rawBody: body, contentType: 'application/json' },
    );
    eventIds.push(`ghostpay:${result.eventId}`);
  }
  return eventIds;
}

/** A quiet relay on `db`, signalling through `recoveries`. */
function relayOn(db: Db, recoveries: RecoveryClient, settings?: Partial<OutboxRelaySettings>) {
  return createOutboxRelay({ db, recoveries, logger: silent, settings });
}

/** Resolves with `event`, or after `ms` if it has not happened by then. */
async function untilOr(event: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([event, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

describe.each([
  ['PostgreSQL', () => pgTestDb()],
  ['SQLite', () => sqliteTestDb()],
])('the outbox relay on %s', (_name, open) => {
  let target: TestDb;
  beforeAll(async () => {
    target = await open();
  });
  afterAll(() => target?.drop());
  beforeEach(async () => {
    await target.db('outbox').delete();
  });

  test('a backlog drains oldest first, never more than `concurrency` hand-offs at once', async () => {
    const eventIds = await storeUnclaimed(target.db, 9);
    const recorder = recordingClient();
    const relay = relayOn(target.db, recorder.client, { concurrency: 1 });

    expect(await relay.sweep()).toBe(9);

    expect(recorder.signalled).toEqual(eventIds);
    expect(recorder.maxInFlight()).toBe(1);
    expect(await outboxBacklog(target.db)).toEqual({ pending: 0, oldestAgeSeconds: null });
  });

  test('with concurrency 3, three run together, they start in order of arrival and every row goes once', async () => {
    const eventIds = await storeUnclaimed(target.db, 7);
    const recorder = recordingClient();
    const relay = relayOn(target.db, recorder.client, { concurrency: 3 });

    expect(await relay.sweep()).toBe(7);

    expect(recorder.maxInFlight()).toBe(3);
    expect([...recorder.signalled].sort()).toEqual([...eventIds].sort());
    expect(recorder.started).toEqual(eventIds);
  });

  test('a slow hand-off holds up only its own slot: the rows after it go meanwhile', async () => {
    const [slowId, ...others] = await storeUnclaimed(target.db, 5);
    const recorder = recordingClient();
    let othersDone: () => void = () => undefined;
    const othersSignalled = new Promise<void>((resolve) => (othersDone = resolve));
    let inFlight = 0;
    let maxInFlight = 0;
    const slowFirst: RecoveryClient = {
      ...recorder.client,
      async signal(gateway, paymentId, update) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Held until the four after it went; a sweep that waits for it lets it go after 3 s.
        if (update.eventId === slowId) await untilOr(othersSignalled, 3_000);
        const result = await recorder.client.signal(gateway, paymentId, update);
        inFlight -= 1;
        if (recorder.signalled.length === others.length) othersDone();
        return result;
      },
    };
    const relay = relayOn(target.db, slowFirst, { concurrency: 2 });

    expect(await relay.sweep()).toBe(5);

    expect(recorder.signalled).toEqual([...others, slowId]);
    expect(maxInFlight).toBe(2);
    expect(await outboxBacklog(target.db)).toEqual({ pending: 0, oldestAgeSeconds: null });
  });

  test('while Temporal fails, each sweep probes it with one row; once it answers, the whole window goes', async () => {
    const eventIds = await storeUnclaimed(target.db, 6);
    let refusing = true;
    const recorder = recordingClient();
    const tried: string[] = [];
    const flaky: RecoveryClient = {
      ...recorder.client,
      signal(gateway, paymentId, update) {
        tried.push(update.eventId!);
        return refusing
          ? Promise.reject(new Error('14 UNAVAILABLE: connection refused'))
          : recorder.client.signal(gateway, paymentId, update);
      },
    };
    const relay = relayOn(target.db, flaky, { concurrency: 3 });

    expect(await relay.sweep()).toBe(0);
    const firstTry = tried.length;
    expect(await relay.sweep()).toBe(0);
    expect(tried.length).toBe(firstTry + 1);

    refusing = false;
    expect(await relay.sweep()).toBe(6);
    expect(recorder.maxInFlight()).toBe(3);
    expect([...recorder.signalled].sort()).toEqual([...eventIds].sort());
  });

  test('a row claimed by a process that died is left alone until its claim runs out, then swept once', async () => {
    const [eventId] = await storeUnclaimed(target.db, 1);
    await target.db('outbox').update({ claimed_until: new Date(Date.now() + 1_500) });
    const recorder = recordingClient();
    const relay = relayOn(target.db, recorder.client);

    expect(await relay.sweep()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(await relay.sweep()).toBe(1);
    expect(await relay.sweep()).toBe(0);

    expect(recorder.signalled).toEqual([eventId]);
    const [row] = await target.db('webhook_events').where({ id: Number(eventId.split(':')[1]) });
    expect(row.handed_off_at).not.toBeNull();
  });

  test('a hand-off Temporal refuses is retried by a later sweep; the row stays until Temporal accepts', async () => {
    const [eventId] = await storeUnclaimed(target.db, 1);
    let refusing = true;
    const recorder = recordingClient();
    const flaky: RecoveryClient = {
      ...recorder.client,
      signal: (gateway, paymentId, update) =>
        refusing
          ? Promise.reject(new Error('14 UNAVAILABLE: connection refused'))
          : recorder.client.signal(gateway, paymentId, update),
    };
    const relay = relayOn(target.db, flaky);

    expect(await relay.sweep()).toBe(0);
    expect(await target.db('outbox')).toMatchObject([
      { claimed_until: null, attempts: 1, last_error: '14 UNAVAILABLE: connection refused' },
    ]);
    // While Temporal fails, the intake stops claiming rows for itself.
    expect(relay.claimForNewEntry()).toBeNull();

    refusing = false;
    expect(await relay.sweep()).toBe(1);
    expect(recorder.signalled).toEqual([eventId]);
    expect(relay.claimForNewEntry()).toBeInstanceOf(Date);
    expect(await target.db('outbox')).toEqual([]);
  });
});

describe('two API processes on one PostgreSQL outbox', () => {
  let target: TestDb;
  beforeAll(async () => {
    target = await pgTestDb();
  });
  afterAll(() => target?.drop());

  test('racing sweeps hand each row off exactly once', async () => {
    const eventIds = await storeUnclaimed(target.db, 40);
    const [a, b] = [recordingClient(), recordingClient()];
    const relays = [a, b].map((recorder) =>
      relayOn(target.db, recorder.client, { concurrency: 4 }),
    );

    // Each relay's sweep loops until it finds nothing free; both run at the same time.
    const counts = await Promise.all(relays.map((relay) => relay.sweep()));

    expect(counts[0] + counts[1]).toBe(40);
    const all = [...a.signalled, ...b.signalled];
    expect(all).toHaveLength(40);
    expect(new Set(all)).toEqual(new Set(eventIds));
    // Both took part: SKIP LOCKED let each pass over the rows the other was claiming.
    expect(a.signalled.length).toBeGreaterThan(0);
    expect(b.signalled.length).toBeGreaterThan(0);
    expect(await target.db('outbox')).toEqual([]);
    const handed = await target.db('webhook_events').whereNotNull('handed_off_at').count();
    expect(Number(handed[0].count)).toBe(40);
  });

  test('a row a relay claimed when it was stored is not taken by another process sweeping', async () => {
    const id = newPaymentId('claimed');
    const parsed = parseWebhook('tribopay', tribopayPostback(id));
    if (!parsed.ok) throw new Error('fixture does not parse');
    const stored = await target.db.transaction(async (trx) => {
      const [event] = await trx('webhook_events')
        .insert({
          gateway: 'tribopay',
          payment_id: id,
          payment_status: 'waiting',
          raw_status: 'waiting_payment',
          raw_body: '{}',
          normalized: '{}',
          dedup_key: id,
          received_at: new Date(),
          outcome: 'scheduled',
        })
        .returning('id');
      return insertOutboxEntry(trx, {
        webhookEventId: Number(event.id),
        gateway: 'tribopay',
        paymentId: id,
        update: { status: 'waiting', eventId: `tribopay:${event.id}` },
        createdAt: new Date(),
        claimedUntil: new Date(Date.now() + 30_000),
      });
    });
    const other = recordingClient();
    const sweeper = relayOn(target.db, other.client);

    expect(await sweeper.sweep()).toBe(0);

    expect(other.signalled).toEqual([]);
    expect(await target.db('outbox').where({ id: stored.id })).toHaveLength(1);
  });
});

test('one row swept by two processes at once reaches its workflow as one signal', async () => {
  const target = await pgTestDb();
  try {
    const [eventId] = await storeUnclaimed(target.db, 1);
    const recorder = recordingClient();
    const relays = [1, 2].map(() => relayOn(target.db, recorder.client));
    await Promise.all(relays.map((relay) => relay.sweep()));
    const row = await target.db('webhook_events').first();
    const history = await env.client.workflow.getHandle(row.workflow_id).fetchHistory();
    const signals = (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === paymentStatusSignal.name,
    );
    expect(signals).toHaveLength(1);
    expect(recorder.signalled).toEqual([eventId]);
  } finally {
    await target.drop();
  }
});
