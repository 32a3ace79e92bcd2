/**
 * Random interleavings of waiting, paid and repeated webhooks with Twilio's answers
 * (accepted, 503s then accepted, a permanent error, a slow answer, a slow permanent error),
 * run by the real workflow and activities under the time-skipping server. Whatever the order:
 * at most one SMS reaches Twilio; none does once a terminal status was applied before the
 * send started; `recovered` only when the payment came after Twilio had the message; never
 * `sms_failed` once a terminal status was applied before Twilio's refusal was known.
 * And each run's history replays against the workflow code that wrote it: an operator's
 * query, the `replay` command and a worker that lost its cache all replay it.
 * The worker reaches the time-skipping server through test/helpers/cancel-race-relay.ts: a
 * paid status may cancel the SMS activity as Twilio answers it, which Temporal takes and
 * that server wedges on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import type { Fault, TwilioEmulator } from '../../src/twilio-emulator';
import {
  recoveryWorkflowId,
  type PaymentUpdate,
  type RecoveryState,
} from '../../workflows/definitions';
import { sqliteTestDb } from '../helpers/db';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';
import { bundleRecoveryWorkflows, testDataConverter } from '../helpers/temporal';

const QUERY = { timeoutMs: 30_000 };
const DELAY_MS = 10 * 60_000;
const TASK_QUEUE = 'paid-wins-property';

let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let emulator: TwilioEmulator;
let recoveries: RecoveryClient;
let run = 0;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleRecoveryWorkflows();
  fixture = await startRecoveryFixture({
    taskQueue: TASK_QUEUE,
    database: sqliteTestDb,
    cancelRaceRelay: true,
  });
  ({ env, emulator } = fixture);
  recoveries = fixture.recoveries({ attributionWindowMs: 3_600_000 });
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
});

type EventKind = 'paid' | 'paid by hand' | 'waiting again' | 'paid again';
type TwilioOutcome = 'accepted' | 'permanent error' | 'slow answer' | 'slow refusal';

interface Scenario {
  transientErrors: number;
  outcome: TwilioOutcome;
  events: { afterMs: number; kind: EventKind }[];
}

interface Signal {
  kind: EventKind;
  /** The recovery's state just before the signal (no time passes in between). */
  before: RecoveryState;
  receivedAt: Date | null;
  /** Whether the recovery took it (a closed one refuses). */
  signalled: boolean;
}

const around = (fromMs: number, toMs: number) => fc.integer({ min: fromMs, max: toMs });
/** Before the due time, or (more often) in the 45 s after it, while the send and its retries run. */
const moment = fc.oneof(
  { arbitrary: around(0, DELAY_MS), weight: 1 },
  { arbitrary: around(DELAY_MS, DELAY_MS + 45_000), weight: 3 },
);

const scenarios: fc.Arbitrary<Scenario> = fc
  .record({
    transientErrors: fc.integer({ min: 0, max: 3 }),
    outcome: fc.constantFrom<TwilioOutcome>(
      'accepted',
      'permanent error',
      'slow answer',
      'slow refusal',
    ),
    repeats: fc.array(moment, { maxLength: 2 }),
    paid: fc.option(
      fc.record({
        afterMs: moment,
        byHand: fc.boolean(),
        repeatAfterMs: fc.option(fc.integer({ min: 0, max: 60_000 })),
      }),
    ),
  })
  .map(({ transientErrors, outcome, repeats, paid }) => ({
    transientErrors,
    outcome,
    events: [
      ...repeats.map((afterMs) => ({ afterMs, kind: 'waiting again' as const })),
      ...(paid
        ? [
            {
              afterMs: paid.afterMs,
              kind: paid.byHand ? ('paid by hand' as const) : ('paid' as const),
            },
          ]
        : []),
      ...(paid && paid.repeatAfterMs !== null
        ? [{ afterMs: paid.afterMs + paid.repeatAfterMs, kind: 'paid again' as const }]
        : []),
    ],
  }));

function faultsFor(scenario: Scenario): Fault[] {
  const transient: Fault = { kind: 'error', httpStatus: 503, code: 20503 };
  const last: Fault[] =
    scenario.outcome === 'permanent error'
      ? [{ kind: 'error', httpStatus: 400, code: 21614 }]
      : scenario.outcome === 'slow answer'
        ? [{ kind: 'delay', ms: 1_500 }]
        : scenario.outcome === 'slow refusal'
          ? [{ kind: 'error', httpStatus: 400, code: 21211, ms: 1_500 }]
          : [];
  return [...Array<Fault>(scenario.transientErrors).fill(transient), ...last];
}

function updateFor(kind: EventKind, phone: string, receivedAt: Date): PaymentUpdate {
  switch (kind) {
    case 'waiting again':
      return { status: 'waiting', eventId: 'waiting-1', phoneE164: phone, amountCentavos: 4990 };
    case 'paid':
      return { status: 'paid', eventId: 'paid-1', receivedAt: receivedAt.toISOString() };
    case 'paid again':
      return { status: 'paid', eventId: 'paid-1', receivedAt: receivedAt.toISOString() };
    case 'paid by hand':
      return { status: 'paid' }; // as `temporal workflow signal` sends it
  }
}

async function play(scenario: Scenario): Promise<void> {
  run += 1;
  const paymentId = `prop-${process.pid}-${Date.now()}-${run}`;
  const phone = `+55219${String(80000000 + run).padStart(8, '0')}`;
  emulator.reset();
  for (const fault of faultsFor(scenario)) emulator.failNext(fault);

  await recoveries.signal('tribopay', paymentId, {
    status: 'waiting',
    eventId: 'waiting-1',
    phoneE164: phone,
    amountCentavos: 4990,
    // The server's clock, which earlier runs moved ahead: the due time is DELAY_MS from now.
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
  });
  const signals: Signal[] = [];
  let elapsed = 0;
  for (const event of [...scenario.events].sort((a, b) => a.afterMs - b.afterMs)) {
    await env.sleep(event.afterMs - elapsed);
    elapsed = event.afterMs;
    // A generous deadline: the API's 5 s is for live views; a loaded CI machine can be slower.
    const before = (await recoveries.state('tribopay', paymentId, QUERY))!;
    const receivedAt = event.kind === 'paid by hand' ? null : new Date();
    const update = updateFor(event.kind, phone, receivedAt ?? new Date());
    const result = await recoveries.signal('tribopay', paymentId, update);
    signals.push({ kind: event.kind, before, receivedAt, signalled: result.signalled });
  }
  const handle = env.client.workflow.getHandle(recoveryWorkflowId('tribopay', paymentId));
  await handle.result().catch(() => undefined); // a permanent error fails the workflow
  await expectReplays(handle);
  const final = (await recoveries.state('tribopay', paymentId, QUERY))!;
  const messages = emulator.messages().filter((m) => m.to === phone);

  expect(messages.length).toBeLessThanOrEqual(1);
  const firstPaid = signals.find((s) => s.kind !== 'waiting again' && s.signalled);
  const idle = ['waiting', 'held'];
  if (firstPaid && idle.includes(firstPaid.before.status) && firstPaid.before.sms === null)
    expect(messages).toHaveLength(0);
  // Applied while idle or sending, a terminal status came before any refusal was known.
  if (firstPaid && [...idle, 'sending'].includes(firstPaid.before.status))
    expect(final.status).not.toBe('sms_failed');
  if (final.status === 'recovered') {
    expect(firstPaid).toBeDefined();
    expect(messages).toHaveLength(1);
    if (firstPaid!.receivedAt)
      expect(firstPaid!.receivedAt.getTime()).toBeGreaterThanOrEqual(
        messages[0].receivedAt.getTime(),
      );
    else expect(firstPaid!.before.sms?.status).toBe('sent');
  }
}

/**
 * Replays the closed recovery's whole history with the worker's code and data converter. A
 * history that doesn't replay is written to a file named in the failure, to debug from.
 */
async function expectReplays(handle: { workflowId: string; fetchHistory(): Promise<History> }) {
  const history = await handle.fetchHistory();
  try {
    await Worker.runReplayHistory(
      { workflowBundle: bundle, dataConverter: testDataConverter },
      history,
    );
  } catch (err) {
    const file = path.join(os.tmpdir(), `paid-wins-${handle.workflowId.replace(/\W/g, '_')}.json`);
    fs.writeFileSync(file, historyToJSON(history));
    throw new Error(`the history does not replay (${(err as Error).message}); saved to ${file}`);
  }
}

type History = temporal.api.history.v1.IHistory;

test('whatever the interleaving: one SMS at most, none after a terminal status, recovered only when paid after it', async () => {
  await fc.assert(fc.asyncProperty(scenarios, play), {
    numRuns: 15,
    endOnFailure: true,
  });
}, 300_000);
