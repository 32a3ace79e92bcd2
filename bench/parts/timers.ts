/**
 * Timer accuracy: N waiting PIX webhooks, then a `paid` for every other one, all before
 * the first falls due, so that N recoveries wait at once; then how late each SMS reached
 * the emulator after its due time, and that no paid payment got one. Webhooks are posted
 * at a steady pace the stack keeps up with. Due times are placed through the webhooks'
 * `created_at` (the service counts the delay from the gateway's creation time when it is
 * plausible): with RECOVERY_DELAY=1h, a payment created 1 h before its planned due time
 * is due then, so the SMS fall due at a chosen rate once every webhook is in.
 */
import { paidBody, paymentFactory, type Payment } from '../bodies';
import { smsPerSecond } from '../floor/lags';
import { postAll, type Posted } from '../load';
import type { BenchOptions } from '../options';
import { envSchema } from '../../src/config/schema';
import { cpuMsPer, cpuPercent, sampleProcess } from '../proc-stats';
import { sleep } from '../processes';
import { progress, table, writeResult } from '../report';
import { emulatorMessages, TASK_QUEUE, type Stack } from '../stack';
import { formatSpread, percentile, round, spread } from '../stats';
import { AS_GIVEN, ratioPerRun, variants } from '../variants';
import { floorBurst, floorBurstMarkdown, floorServer, type FloorBurstResult } from './floor';
import {
  CONCURRENCY,
  DELAY_MS,
  each,
  headers,
  pidsOf,
  postWaiting,
  sampleAll,
  stackFor,
  waitForTransitions,
  webhookUrl,
} from './recovery-stack';

/** Twice, after each batch of webhooks: time for the worker to catch up with them. */
const SCHEDULE_MARGIN_MS = 10_000;
/** Slack on the posting time, for a machine busier than usual. */
const SCHEDULE_SLACK = 1.25;

export interface TimerResult {
  size: number;
  /** Worker processes polling the task queue while the SMS fell due. */
  workers: number;
  run: number;
  /** The service's configuration (`as given` unless `--compare-env`). */
  variant: string;
  /** Recoveries falling due per second (0: all at once). */
  dueRate: number;
  unpaid: number;
  paid: number;
  /** ms from due time to the emulator receiving the SMS, unpaid payments only. */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  lagMinMs: number;
  lateOverOneSecond: number;
  /** Unpaid payments whose SMS never came. */
  missingSms: number;
  duplicateSms: number;
  /** SMS that reached a payment whose `paid` was acknowledged before its due time. */
  smsForPaid: number;
  /** Webhooks acknowledged only after their due time: not counted either way. */
  postedAfterDue: number;
  intakeErrors: number;
  /** Waiting and paid webhooks posted and every one applied: webhooks per second. */
  schedulePerSecond: number;
  /** SMS per second from the first to the last one received. */
  smsPerSecond: number;
  workerPeakRssMiB: number;
  /** CPU while the SMS went out, % of one core. */
  firingCpuPercent: Record<string, number>;
  /** CPU ms per SMS sent: every worker process together, and the dev server. */
  cpuMsPerSms: { worker: number; temporal: number };
}

export async function benchTimers(options: BenchOptions) {
  const startedAt = Date.now();
  const timers: TimerResult[] = [];
  const floors: FloorBurstResult[] = [];
  for (const size of options.timers.sizes) {
    for (let run = 1; run <= options.runs; run += 1) {
      // Each worker count and configuration in turn within a run, so a pair is measured
      // side by side.
      for (const workers of options.timers.workers) {
        for (const [v, variant] of variants(options).entries()) {
          const result = await timerRun(variant.options, size, run, workers, v);
          timers.push({ ...result, variant: variant.name });
        }
        if (options.floors) floors.push(...(await floorRuns(options, size, run, workers)));
      }
    }
  }
  const summary = summariseTimers(timers);
  const names = [...new Set(timers.map((t) => t.variant))];
  const file = writeResult(options, 'timers', { summary, runs: timers, floors }, startedAt);
  progress(`timer results: ${file}`);
  const comparison = names.length > 1 ? `\n\n${comparisonMarkdown(names.slice(1), timers)}` : '';
  const floor = floors.length > 0 ? `\n\n${floorBurstMarkdown(floors)}` : '';
  return { markdown: `${timersMarkdown(summary, names.length > 1)}${comparison}${floor}` };
}

/**
 * The floor next to one run of ours: as many SMS as ours has unpaid recoveries, due as
 * ours are, with as many workers; once with the SDK's default cache, once with ours.
 */
async function floorRuns(
  options: BenchOptions,
  size: number,
  run: number,
  workers: number,
): Promise<FloorBurstResult[]> {
  const ours = envSchema.shape.WORKER_CACHED_WORKFLOWS.parse(
    options.serviceEnv.WORKER_CACHED_WORKFLOWS,
  );
  const results: FloorBurstResult[] = [];
  for (const cache of [null, ours]) {
    results.push(
      await floorBurst(floorServer(options), {
        run,
        sms: size - Math.ceil(size / 2),
        // Ours has every other recovery paid: its SMS fall due at half its rate.
        dueRate: options.timers.rate / 2,
        workers,
        cache,
      }),
    );
  }
  return results;
}

async function timerRun(
  options: BenchOptions,
  size: number,
  run: number,
  workers: number,
  v: number,
): Promise<Omit<TimerResult, 'variant'>> {
  const label = `timers-${size}-${run}-w${workers}${v === 0 ? '' : `-v${v}`}`;
  const stack = await stackFor(options, label);
  const extra = Array.from({ length: workers - 1 }, (_, i) =>
    stack.spawnWorker(`${label}-worker-${i + 2}`, {
      distDir: options.serviceDist,
      taskQueue: TASK_QUEUE,
    }),
  );
  try {
    await Promise.all(extra.map((w) => w.waitFor(/worker polling/, 60_000)));
    const began = Date.now();
    const paidCount = Math.ceil(size / 2);
    const rate = options.scheduleRate;
    const postingMs = ((size + paidCount) / rate) * 1000;
    const firstDue = began + postingMs * SCHEDULE_SLACK + 2 * SCHEDULE_MARGIN_MS;
    const dueRate = options.timers.rate;
    const plannedDue = (i: number) => firstDue + (dueRate > 0 ? (i / dueRate) * 1000 : 0);
    const payments = Array.from({ length: size }, paymentFactory(`t${size}x${run}v${v}`)).map(
      (p, i) => ({ ...p, createdAt: new Date(plannedDue(i) - DELAY_MS).toISOString() }),
    );
    progress(
      `${label}: ${size} waiting webhooks, then ${paidCount} paid; the first falls due in ` +
        `${Math.round((firstDue - Date.now()) / 1000)}s, ${dueRate > 0 ? `${dueRate}/s` : 'all at once'}`,
    );
    const { acks: waitingAcks } = await postWaiting(stack, payments, rate);
    // Every recovery waits before its `paid` comes, as it would minutes apart in production.
    await waitForTransitions(stack, ['waiting'], size, Math.max(60_000, firstDue - Date.now()));
    const paid = payments.filter((_, i) => i % 2 === 0);
    const paidAcks = await postAll(
      webhookUrl(stack),
      paid.map(paidBody),
      CONCURRENCY,
      headers(stack),
      rate,
    );
    await waitForTransitions(
      stack,
      ['cancelled'],
      paid.length,
      Math.max(60_000, firstDue - Date.now()),
    );
    const scheduleSeconds = (Date.now() - began) / 1000;
    const due = await dueTimes(stack);
    const lastDue = Math.max(...due.values());
    progress(
      `${label}: scheduled at ${round(size / scheduleSeconds)}/s; the first SMS falls due in ` +
        `${Math.round((firstDue - Date.now()) / 1000)}s, the last in ${Math.round((lastDue - Date.now()) / 1000)}s`,
    );
    await sleep(Math.max(0, firstDue - Date.now()));
    const workerPids = [stack.worker.pid, ...extra.map((w) => w.pid)];
    const workersFrom = workerPids.map(sampleProcess);
    const firingFrom = sampleAll(pidsOf(stack));
    await waitForTransitions(
      stack,
      ['sms_sent', 'cancelled', 'sms_failed', 'skipped'],
      size,
      Math.max(0, lastDue - Date.now()) + 180_000,
    );
    const firingTo = sampleAll(pidsOf(stack));
    const workersTo = workerPids.map(sampleProcess);
    const messages = await emulatorMessages(stack.emulatorUrl);
    const result = analyse({
      size,
      workers,
      run,
      dueRate,
      payments,
      paid,
      waitingAcks,
      paidAcks,
      due,
      messages,
    });
    result.schedulePerSecond = round((size + paid.length) / scheduleSeconds);
    result.workerPeakRssMiB = round(firingTo.worker.peakRssMiB);
    result.firingCpuPercent = each((n) => cpuPercent(firingFrom[n], firingTo[n]));
    result.cpuMsPerSms = {
      worker: round(cpuMsPer(workersFrom, workersTo, messages.length)),
      temporal: round(cpuMsPer([firingFrom.temporal], [firingTo.temporal], messages.length)),
    };
    progress(
      `${label}: lag p50 ${result.lagP50Ms} ms, p99 ${result.lagP99Ms} ms, max ${result.lagMaxMs} ms; ` +
        `${result.lateOverOneSecond} over 1 s; ${result.missingSms} missing; ` +
        `${result.smsForPaid} SMS for paid payments; ${result.smsPerSecond} SMS/s`,
    );
    return result;
  } finally {
    await Promise.all(extra.map((w) => w.stop()));
    await stack.stop();
  }
}

function analyse(run: {
  size: number;
  workers: number;
  run: number;
  dueRate: number;
  payments: Payment[];
  paid: Payment[];
  waitingAcks: Posted[];
  paidAcks: Posted[];
  due: Map<string, number>;
  messages: { to: string; receivedAt: string }[];
}): Omit<TimerResult, 'variant'> {
  const received = new Map<string, number[]>();
  for (const m of run.messages) {
    received.set(m.to, [...(received.get(m.to) ?? []), Date.parse(m.receivedAt)]);
  }
  const paidAck = new Map(run.paid.map((p, i) => [p.id, run.paidAcks[i]]));
  const waitingAck = new Map(run.payments.map((p, i) => [p.id, run.waitingAcks[i]]));
  const lags: number[] = [];
  let missing = 0;
  let duplicates = 0;
  let smsForPaid = 0;
  let postedAfterDue = 0;
  for (const p of run.payments) {
    const sent = received.get(p.e164) ?? [];
    const dueAt = run.due.get(p.id);
    const acks = [waitingAck.get(p.id), paidAck.get(p.id)].filter((a) => a !== undefined);
    if (dueAt === undefined || acks.some((a) => a.status !== 202 || a.answeredAt >= dueAt)) {
      postedAfterDue += 1;
      continue;
    }
    if (sent.length > 1) duplicates += 1;
    if (paidAck.has(p.id)) {
      if (sent.length > 0) smsForPaid += 1;
    } else if (sent.length === 0) {
      missing += 1;
    } else {
      lags.push(sent[0] - dueAt);
    }
  }
  return {
    size: run.size,
    workers: run.workers,
    run: run.run,
    dueRate: run.dueRate,
    unpaid: run.payments.length - run.paid.length,
    paid: run.paid.length,
    lagP50Ms: round(percentile(lags, 50)),
    lagP99Ms: round(percentile(lags, 99)),
    lagMaxMs: round(lags.reduce((a, b) => Math.max(a, b), -Infinity)),
    lagMinMs: round(lags.reduce((a, b) => Math.min(a, b), Infinity)),
    lateOverOneSecond: lags.filter((l) => l > 1_000).length,
    missingSms: missing,
    duplicateSms: duplicates,
    smsForPaid,
    postedAfterDue,
    intakeErrors: [...run.waitingAcks, ...run.paidAcks].filter((a) => a.status !== 202).length,
    schedulePerSecond: NaN,
    smsPerSecond: round(smsPerSecond(run.messages)),
    workerPeakRssMiB: NaN,
    firingCpuPercent: {},
    cpuMsPerSms: { worker: NaN, temporal: NaN },
  };
}

/** Each payment's due time, as the workflow recorded it in its `waiting` transition. */
async function dueTimes(stack: Stack): Promise<Map<string, number>> {
  const rows = await stack
    .db('recovery_events')
    .where({ transition: 'waiting' })
    .select<{ payment_id: string; detail: string }[]>('payment_id', 'detail');
  return new Map(
    rows.map((r) => [r.payment_id, Date.parse((JSON.parse(r.detail) as { dueAt: string }).dueAt)]),
  );
}

function summariseTimers(runs: TimerResult[]) {
  const keys = [...new Set(runs.map((r) => `${r.size}:${r.workers}:${r.variant}`))];
  return keys.map((key) => {
    const [sizeText, workersText, variant] = key.split(/:(.*?):(.*)/s);
    const [size, workers] = [Number(sizeText), Number(workersText)];
    const at = runs.filter(
      (r) => r.size === size && r.workers === workers && r.variant === variant,
    );
    const of = (pick: (r: TimerResult) => number) => spread(at.map(pick));
    return {
      variant,
      size,
      workers,
      dueRate: at[0].dueRate,
      schedulePerSecond: of((r) => r.schedulePerSecond),
      lagP50Ms: of((r) => r.lagP50Ms),
      lagP99Ms: of((r) => r.lagP99Ms),
      lagMaxMs: of((r) => r.lagMaxMs),
      lateOverOneSecond: of((r) => r.lateOverOneSecond),
      missingSms: of((r) => r.missingSms),
      smsForPaid: of((r) => r.smsForPaid),
      paid: of((r) => r.paid),
      postedAfterDue: of((r) => r.postedAfterDue),
      intakeErrors: of((r) => r.intakeErrors),
      smsPerSecond: of((r) => r.smsPerSecond),
      workerPeakRssMiB: of((r) => r.workerPeakRssMiB),
      workerCpuMsPerSms: of((r) => r.cpuMsPerSms.worker),
      temporalCpuMsPerSms: of((r) => r.cpuMsPerSms.temporal),
    };
  });
}

function timersMarkdown(rows: ReturnType<typeof summariseTimers>, byVariant: boolean): string {
  const head = byVariant ? ['service'] : [];
  return table(
    [
      ...head,
      'recoveries',
      'workers',
      'due per s',
      'scheduled per s',
      'lag p50 ms',
      'lag p99 ms',
      'lag max ms',
      'late > 1 s',
      'unpaid without SMS',
      'paid',
      'SMS to paid',
      'SMS/s',
      'worker CPU ms/SMS',
      'dev server CPU ms/SMS',
      'worker peak RSS MiB',
    ],
    rows.map((r) => [
      ...(byVariant ? [r.variant] : []),
      r.size,
      r.workers,
      r.dueRate > 0 ? r.dueRate : 'all at once',
      formatSpread(r.schedulePerSecond, 1),
      formatSpread(r.lagP50Ms),
      formatSpread(r.lagP99Ms),
      formatSpread(r.lagMaxMs),
      formatSpread(r.lateOverOneSecond),
      formatSpread(r.missingSms),
      formatSpread(r.paid),
      formatSpread(r.smsForPaid),
      formatSpread(r.smsPerSecond, 1),
      formatSpread(r.workerCpuMsPerSms, 1),
      formatSpread(r.temporalCpuMsPerSms, 1),
      formatSpread(r.workerPeakRssMiB),
    ]),
  );
}

/** Each changed variant against the service as given: lag ratios taken within each run. */
function comparisonMarkdown(changed: string[], runs: TimerResult[]): string {
  const key = (r: TimerResult) => `${r.size}:${r.workers}:${r.run}`;
  const groups = [...new Set(runs.map((r) => `${r.size}:${r.workers}`))];
  const lines = changed.flatMap((variant) =>
    groups.map((group) => {
      const at = runs.filter((r) => `${r.size}:${r.workers}` === group);
      const ratio = (pick: (r: TimerResult) => number) =>
        formatSpread(ratioPerRun(at, variant, key, pick), 1, '%');
      const [size, workers] = group.split(':');
      return [
        variant,
        size,
        workers,
        ratio((r) => r.lagP50Ms),
        ratio((r) => r.lagP99Ms),
        ratio((r) => r.lagMaxMs),
        ratio((r) => r.smsPerSecond),
      ];
    }),
  );
  return `Compared with the service ${AS_GIVEN}, per run (variant ÷ as given):\n\n${table(
    ['variant', 'recoveries', 'workers', 'lag p50', 'lag p99', 'lag max', 'SMS/s'],
    lines,
  )}`;
}
