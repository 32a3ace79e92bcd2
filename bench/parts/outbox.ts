/**
 * The outbox: how long a webhook waits between the webhook's answer and Temporal
 * accepting its signal at a steady rate (relay lag), and what a Temporal outage under a
 * steady stream of webhooks costs: refused webhooks, lost recoveries, and how long the
 * backlog takes to drain once Temporal is back. The lag is measured on the dev server's
 * store of `--temporal-store` (memory by default: the file store halves what the server
 * accepts, see BENCHMARKS.md); the outage always on a file, so that the restarted server
 * still has every workflow started before it stopped.
 */
import { paymentFactory, waitingBody } from '../bodies';
import { steadily } from '../load';
import type { BenchOptions } from '../options';
import { progress, table, writeResult } from '../report';
import { startStack, type Stack, type TemporalStore } from '../stack';
import { formatSpread, percentile, round, spread } from '../stats';
import { floorRelay, floorRelayMarkdown, floorServer, type FloorRelayResult } from './floor';

/** Long enough that no SMS falls due while the outbox is measured. */
const DELAY = '1h';
/** How long the bench waits for a backlog to drain before it reports it undrained. */
const DRAIN_TIMEOUT_MS = 600_000;

interface Posted {
  /** 0: no answer came (`error` says why). */
  status: number;
  eventId: number | null;
  answeredAt: number;
  error?: string;
}

export interface LagResult {
  /** The dev server's store during the measurement. */
  store: TemporalStore;
  rate: number;
  seconds: number;
  posted: number;
  non2xx: number;
  /** What the non-2xx answers were: an HTTP status, or the client's error when none came. */
  non2xxKinds: Record<string, number>;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

export interface OutageResult {
  rate: number;
  outageSeconds: number;
  posted: number;
  non2xx: number;
  non2xxKinds: Record<string, number>;
  /** Largest backlog seen in the outbox during the outage. */
  peakBacklog: number;
  /** From Temporal answering again to the outbox being empty. */
  /** null: not empty within DRAIN_TIMEOUT_MS; `leftAfterTimeout` rows were still queued. */
  drainSeconds: number | null;
  leftAfterTimeout: number;
  /** From Temporal answering again to the first webhook it accepted. */
  firstHandOffSeconds: number | null;
  /**
   * Hand-offs a second from Temporal answering again to the outbox being empty: the
   * backlog's and the new webhooks' together, what the server took while draining.
   */
  drainHandOffsPerSecond: number | null;
  /** The most hand-offs in one second of the drain. */
  peakHandOffsPerSecond: number;
  /** Routed webhooks never handed off, and recoveries the worker never recorded waiting. */
  notHandedOff: number;
  recoveriesMissing: number;
}

export async function benchOutbox(options: BenchOptions) {
  const startedAt = Date.now();
  const lag: LagResult[] = [];
  const floors: FloorRelayResult[] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    lag.push(
      await withStack(options, `outbox-lag-${run}`, options.temporalStore, (stack) =>
        measureLag(stack, options.temporalStore, options.outbox, `olag${run}`),
      ),
    );
    if (!options.floors) continue;
    const { lagRate: rate, lagSeconds: seconds } = options.outbox;
    floors.push(await floorRelay(floorServer(options), { run, rate, seconds }));
  }
  // Temporal is stopped and started again: its workflows must be in a file.
  const outageStore = options.temporalStore === 'memory' ? 'file' : options.temporalStore;
  const outage = await withStack(options, 'outbox-outage', outageStore, (stack) =>
    measureOutage(stack, options.outbox.outageRate, options.outbox.outageSeconds),
  );
  const file = writeResult(options, 'outbox', { lag, floors, outage }, startedAt);
  progress(`outbox results: ${file}`);
  return { lag, outage, markdown: markdown(lag, floors, outage) };
}

/** How many answers were not 2xx, and what they were. */
function non2xxOf(posted: readonly Posted[]): Pick<LagResult, 'non2xx' | 'non2xxKinds'> {
  const non2xxKinds: Record<string, number> = {};
  const failed = posted.filter((p) => p.status < 200 || p.status > 299);
  for (const p of failed) {
    const kind = p.status === 0 ? `no answer: ${p.error}` : `HTTP ${p.status}`;
    non2xxKinds[kind] = (non2xxKinds[kind] ?? 0) + 1;
  }
  return { non2xx: failed.length, non2xxKinds };
}

async function withStack<T>(
  options: BenchOptions,
  label: string,
  temporalStore: TemporalStore,
  measure: (stack: Stack) => Promise<T>,
): Promise<T> {
  const stack = await startStack({
    recoveryDelay: DELAY,
    label,
    temporalStore,
    temporalConfig: options.temporalConfig,
    serviceDist: options.serviceDist,
    serviceEnv: options.serviceEnv,
  });
  try {
    return await measure(stack);
  } finally {
    await stack.stop();
  }
}

/**
 * Posts one new waiting webhook every 1/rate s, without waiting for answers, until
 * `running()` says stop; resolves with every answer.
 */
function postSteadily(
  stack: Stack,
  rate: number,
  running: () => boolean,
  tag: string,
): Promise<Posted[]> {
  const next = paymentFactory(tag);
  const url = `${stack.apiUrl}/api/webhooks/tribopay/`;
  const headers = { 'content-type': 'application/json', 'x-webhook-token': stack.webhookSecret };
  return steadily(rate, running, () =>
    fetch(url, { method: 'POST', headers, body: waitingBody(next()) }).then(
      async (res) => {
        const json = (await res.json().catch(() => ({}))) as { eventId?: number };
        return { status: res.status, eventId: json.eventId ?? null, answeredAt: Date.now() };
      },
      (err: Error) => ({
        status: 0,
        eventId: null,
        answeredAt: Date.now(),
        // fetch says "fetch failed"; its cause says what did (a reset, a timeout).
        error: (err.cause as { code?: string } | undefined)?.code ?? err.message,
      }),
    ),
  );
}

async function measureLag(
  stack: Stack,
  store: TemporalStore,
  { lagRate: rate, lagSeconds: seconds }: BenchOptions['outbox'],
  tag: string,
): Promise<LagResult> {
  progress(`outbox: relay lag at ${rate} webhooks/s for ${seconds} s (${store} store)`);
  const until = Date.now() + seconds * 1000;
  const posted = await postSteadily(stack, rate, () => Date.now() < until, tag);
  await waitForEmptyOutbox(stack, DRAIN_TIMEOUT_MS);
  const accepted = posted.filter((p) => p.status === 202 && p.eventId !== null);
  const rows = await stack
    .db('webhook_events')
    .whereIn(
      'id',
      accepted.map((p) => p.eventId!),
    )
    .select<{ id: string; handed_off_at: Date | null }[]>('id', 'handed_off_at');
  const handedOff = new Map(rows.map((r) => [Number(r.id), r.handed_off_at]));
  const lags = accepted
    .map((p) => {
      const at = handedOff.get(p.eventId!);
      return at ? at.getTime() - p.answeredAt : null;
    })
    .filter((l): l is number => l !== null);
  const result: LagResult = {
    store,
    rate,
    seconds,
    posted: posted.length,
    ...non2xxOf(posted),
    // Both clocks are this machine's; a hand-off may finish before the client has read
    // the answer, so a lag can be slightly negative.
    lagP50Ms: round(percentile(lags, 50)),
    lagP99Ms: round(percentile(lags, 99)),
    lagMaxMs: round(Math.max(...lags)),
  };
  progress(`outbox lag: ${JSON.stringify(result)}`);
  return result;
}

async function measureOutage(
  stack: Stack,
  rate: number,
  outageSeconds: number,
): Promise<OutageResult> {
  progress(`outbox: Temporal stopped for ${outageSeconds} s under ${rate} webhooks/s`);
  let posting = true;
  const stream = postSteadily(stack, rate, () => posting, 'oout');
  await sleep(5_000);
  await stack.temporal.stop();
  let peakBacklog = 0;
  const outageEnds = Date.now() + outageSeconds * 1000;
  while (Date.now() < outageEnds) {
    peakBacklog = Math.max(peakBacklog, await backlog(stack));
    await sleep(500);
  }
  await stack.temporal.restart();
  const backAt = Date.now();
  progress(`outbox: Temporal answers again; backlog ${await backlog(stack)}`);
  await sleep(5_000);
  posting = false;
  const posted = await stream;
  const drainedAt = await waitForEmptyOutbox(stack, DRAIN_TIMEOUT_MS);
  const routed = posted.filter((p) => p.status === 202).length;
  const notHandedOff = Number(
    (
      await stack
        .db('webhook_events')
        .whereIn('outcome', ['scheduled', 'signalled'])
        .whereNull('handed_off_at')
        .count<{ n: string }[]>({ n: '*' })
    )[0].n,
  );
  const recoveriesMissing = await missingRecoveries(stack, 'oout', routed);
  const drain = await drainPace(stack, backAt, drainedAt);
  const settledSeconds = round((Date.now() - backAt) / 1000);
  progress(`outbox: the worker settled ${settledSeconds} s after Temporal returned`);
  const result: OutageResult = {
    rate,
    outageSeconds,
    posted: posted.length,
    ...non2xxOf(posted),
    peakBacklog,
    drainSeconds: drainedAt === null ? null : round((drainedAt - backAt) / 1000),
    leftAfterTimeout: drainedAt === null ? await backlog(stack) : 0,
    ...drain,
    notHandedOff,
    recoveriesMissing,
  };
  progress(`outbox outage: ${JSON.stringify(result)}`);
  return result;
}

/**
 * Recoveries of this phase the worker has not recorded as waiting once it stops making
 * progress (nothing new for 30 s): on a busy machine the worker may trail the relay by
 * minutes, which is slow, not lost.
 */
async function missingRecoveries(stack: Stack, tag: string, expected: number): Promise<number> {
  const deadline = Date.now() + 600_000;
  let seen = -1;
  let progressAt = Date.now();
  while (Date.now() < deadline && Date.now() - progressAt < 30_000) {
    const [{ n }] = await stack
      .db('recovery_events')
      .where({ transition: 'waiting' })
      .where('payment_id', 'like', `${tag}%`)
      .count<{ n: string }[]>({ n: '*' });
    if (Number(n) >= expected) return 0;
    if (Number(n) > seen) progressAt = Date.now();
    seen = Number(n);
    await sleep(500);
  }
  return expected - seen;
}

/**
 * How fast the webhooks were handed off once Temporal answered again, read from their
 * `handed_off_at`: when the first went, the mean rate until the outbox was empty, and the
 * busiest second.
 */
async function drainPace(
  stack: Stack,
  backAt: number,
  drainedAt: number | null,
): Promise<
  Pick<OutageResult, 'firstHandOffSeconds' | 'drainHandOffsPerSecond' | 'peakHandOffsPerSecond'>
> {
  const rows = await stack
    .db('webhook_events')
    .where('handed_off_at', '>=', new Date(backAt))
    .select<{ handed_off_at: Date }[]>('handed_off_at');
  const after = rows.map((r) => (r.handed_off_at.getTime() - backAt) / 1000).sort((a, b) => a - b);
  const perSecond = new Map<number, number>();
  for (const s of after) perSecond.set(Math.floor(s), (perSecond.get(Math.floor(s)) ?? 0) + 1);
  const drainSeconds = drainedAt === null ? null : (drainedAt - backAt) / 1000;
  const inDrain = drainSeconds === null ? 0 : after.filter((s) => s <= drainSeconds).length;
  return {
    firstHandOffSeconds: after.length > 0 ? round(after[0]) : null,
    drainHandOffsPerSecond: drainSeconds ? round(inDrain / drainSeconds) : null,
    peakHandOffsPerSecond: Math.max(0, ...perSecond.values()),
  };
}

async function backlog(stack: Stack): Promise<number> {
  const [{ n }] = await stack.db('outbox').count<{ n: string }[]>({ n: '*' });
  return Number(n);
}

/**
 * When the outbox was first seen empty; null if it wasn't within `timeoutMs` (a slow drain
 * is a result to report, not a reason to lose the run's other figures).
 */
async function waitForEmptyOutbox(stack: Stack, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await backlog(stack)) === 0) return Date.now();
    await sleep(100);
  }
  progress(`warning: the outbox still holds ${await backlog(stack)} rows after ${timeoutMs} ms`);
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function markdown(lag: LagResult[], floors: FloorRelayResult[], outage: OutageResult): string {
  const of = (pick: (l: LagResult) => number) => formatSpread(spread(lag.map(pick)));
  const lagTable = table(
    [
      'dev server store',
      'webhooks/s',
      'seconds',
      'runs',
      'posted',
      'non-2xx',
      'relay lag p50 ms',
      'p99 ms',
      'max ms',
    ],
    [
      [
        lag[0].store,
        lag[0].rate,
        lag[0].seconds,
        lag.length,
        of((l) => l.posted),
        of((l) => l.non2xx),
        of((l) => l.lagP50Ms),
        of((l) => l.lagP99Ms),
        of((l) => l.lagMaxMs),
      ],
    ],
  );
  const outageTable = table(
    [
      'webhooks/s',
      'Temporal down, s',
      'posted',
      'non-2xx',
      'peak backlog',
      'drained after, s',
      'first hand-off after, s',
      'hand-offs/s while draining',
      'busiest second',
      'not handed off',
      'recoveries missing',
    ],
    [
      [
        outage.rate,
        outage.outageSeconds,
        outage.posted,
        outage.non2xx,
        outage.peakBacklog,
        outage.drainSeconds ?? `> ${DRAIN_TIMEOUT_MS / 1000} (${outage.leftAfterTimeout} left)`,
        outage.firstHandOffSeconds ?? '-',
        outage.drainHandOffsPerSecond ?? '-',
        outage.peakHandOffsPerSecond,
        outage.notHandedOff,
        outage.recoveriesMissing,
      ],
    ],
  );
  const floor = floors.length > 0 ? `\n\n${floorRelayMarkdown(floors)}` : '';
  return `${lagTable}${floor}\n\n${outageTable}`;
}
