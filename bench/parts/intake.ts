/**
 * Part 1, webhook intake: the whole stack under autocannon, against references taken in
 * the same run and at the same concurrency — the bare `signalWithStart` limit (same
 * server, no HTTP, no database), the HTTP ceiling (a Koa handler that parses and answers
 * 202), and, to tell our code's cost from Temporal's, the API with its Temporal call made
 * a no-op (everything else real, PostgreSQL included: its own database on the stack's server).
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { paymentFactory, waitingBody } from '../bodies';
import { hammer, type Hammer, type LoadResult } from '../load';
import type { BareRequest, BareResult } from '../targets/bare-signal';
import type { BenchOptions } from '../options';
import { sampleProcess, busyShare, systemCpu } from '../proc-stats';
import { startProcess } from '../processes';
import { startApiWithoutTemporal, type ReferenceApi } from '../reference-api';
import {
  describeInTemporal,
  formatUnrecorded,
  unrecordedRecoveries,
  type Unrecorded,
} from '../unrecorded';
import { progress, table, writeResult } from '../report';
import { freePort } from '../ports';
import { BENCH_DB, ROOT, scratch, startStack, TASK_QUEUE, type Stack } from '../stack';
import { formatSpread, round, spread, type Spread } from '../stats';
import { outboxBacklog } from '../../src/db/outbox';
import { AS_GIVEN, ratioPerRun, variants } from '../variants';

/** Long enough that no SMS falls due while the intake is measured. */
const DELAY = '1h';
const DELAY_MS = 3_600_000;
const WARMUP_SECONDS = 4;

interface Phase<T> {
  result: T;
  /** Share of one core each process used during the phase (100 = one core). */
  cpu: Record<string, number>;
  cpuSeconds: Record<string, number>;
  /** Share of the whole machine busy during the phase, all processes included. */
  machineBusyPercent: number;
}

export interface IntakeMeasurement {
  run: number;
  /** The service's configuration (`as given` unless `--compare-env`). */
  variant: string;
  concurrency: number;
  full: Phase<LoadResult>;
  bare: Phase<BareResult>;
  koa: Phase<LoadResult>;
  noTemporal: Phase<LoadResult>;
  /** Accepted webhooks/s as a share of the bare signalWithStart rate, same run. */
  ratioToBare: number;
  ratioToKoa: number;
  /** CPU each part of the stack spent per accepted webhook during the full-stack phase, ms. */
  cpuMsPerWebhook: Record<string, number>;
  /**
   * The relay hands webhooks to Temporal after the answer, and at saturation it falls
   * behind: the webhooks still in the outbox when the load stopped, and the time it took
   * to hand them off. Their hand-offs' CPU is not in `cpuMsPerWebhook`.
   */
  outboxAtEnd: number;
  drainSeconds: number;
  /** Accepted ÷ (load + drain time): webhooks stored **and** handed to Temporal per second. */
  handedOffPerSecond: number;
  /** CPU per accepted webhook from the start of the load until the outbox was empty, ms. */
  cpuMsPerHandOff: Record<string, number>;
  /**
   * Each wait of this run so far (warm-up included) that ran out before the worker had
   * recorded `waiting` for every recovery, with the recoveries lacking it; empty normally.
   */
  unrecorded: Unrecorded[];
}

export interface IntakeSummaryRow {
  variant: string;
  concurrency: number;
  fullPerSecond: Spread;
  fullP50Ms: Spread;
  fullP99Ms: Spread;
  fullErrors: Spread;
  barePerSecond: Spread;
  bareP99Ms: Spread;
  koaPerSecond: Spread;
  koaP99Ms: Spread;
  noTemporalPerSecond: Spread;
  noTemporalP99Ms: Spread;
  /** API CPU per webhook with the Temporal call a no-op, ms. */
  noTemporalApiCpuMs: Spread;
  ratioToBare: Spread;
  ratioToKoa: Spread;
  cpuMsPerWebhook: Record<string, Spread>;
  outboxAtEnd: Spread;
  drainSeconds: Spread;
  handedOffPerSecond: Spread;
  cpuMsPerHandOff: Record<string, Spread>;
}

export async function benchIntake(options: BenchOptions) {
  const startedAt = Date.now();
  const measurements: IntakeMeasurement[] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    for (const [v, variant] of variants(options).entries()) {
      measurements.push(...(await intakeRun(variant.options, run, v, variant.name)));
    }
  }
  const summary = summarise(options, measurements);
  const file = writeResult(options, 'intake', { summary, measurements }, startedAt);
  progress(`intake results: ${file}`);
  return { summary, markdown: markdown(summary, measurements) };
}

async function intakeRun(
  options: BenchOptions,
  run: number,
  v: number,
  variant: string,
): Promise<IntakeMeasurement[]> {
  const label = v === 0 ? `intake-${run}` : `intake-${run}-v${v}`;
  progress(`${label}: starting the stack (${variant})`);
  const stack = await startStack({
    recoveryDelay: DELAY,
    label,
    temporalStore: options.temporalStore,
    temporalConfig: options.temporalConfig,
    profile: options.profile,
    serviceDist: options.serviceDist,
    serviceEnv: options.serviceEnv,
  });
  const koa = await startKoa(label);
  const noTemporal = await startApiWithoutTemporal({
    env: stack.env,
    serviceDist: options.serviceDist,
    logFile: path.join(scratch, `no-temporal-${label}.log`),
  });
  const bare = await startBare(stack, `i${run}v${v}b`);
  try {
    const refs = { koa, noTemporal, bare };
    return await measureRun(options, { run, variant, tag: `i${run}v${v}` }, stack, refs);
  } finally {
    await bare.stop();
    await noTemporal.stop();
    await koa.stop();
    await stack.stop();
  }
}

interface References {
  koa: HttpTarget;
  noTemporal: ReferenceApi;
  bare: Bare;
}

async function measureRun(
  options: BenchOptions,
  { run, variant, tag }: { run: number; variant: string; tag: string },
  stack: Stack,
  refs: References,
): Promise<IntakeMeasurement[]> {
  const nextPayment = paymentFactory(`${tag}h`);
  const apiTarget = {
    url: `${stack.apiUrl}/api/webhooks/tribopay/`,
    headers: { 'content-type': 'application/json', 'x-webhook-token': stack.webhookSecret },
    nextBody: () => waitingBody(nextPayment()),
    expectStatus: 202,
  };
  const target = (t: HttpTarget) => ({ ...apiTarget, url: `${t.url}/api/webhooks/tribopay/` });
  const started = { count: 0 };
  const shortfalls: Unrecorded[] = [];
  await warmUp(
    tag,
    stack,
    started,
    apiTarget,
    [target(refs.koa), target(refs.noTemporal)],
    refs.bare,
    shortfalls,
  );

  const out: IntakeMeasurement[] = [];
  for (const concurrency of options.intake.concurrency) {
    const load = { connections: concurrency, durationSeconds: options.intake.durationSeconds };
    const service = {
      api: [stack.api.pid],
      worker: [stack.worker.pid],
      temporal: [stack.temporal.pid],
      postgres: await postgresBackends(stack, BENCH_DB),
    };
    const koa = await phase({ koa: [refs.koa.pid], bench: [process.pid] }, () =>
      hammer({ ...target(refs.koa), ...load }),
    );
    const noTemporal = await phase(
      {
        api: [refs.noTemporal.pid],
        postgres: await postgresBackends(stack, refs.noTemporal.database),
        bench: [process.pid],
      },
      () => hammer({ ...target(refs.noTemporal), ...load }),
    );
    const full = await phase({ ...service, bench: [process.pid] }, () =>
      hammer({ ...apiTarget, ...load }),
    );
    const outboxAtEnd = (await outboxBacklog(stack.db)).pending;
    const drain = await phase({ ...service, bench: [process.pid] }, () => drainOutbox(stack));
    started.count += full.result.accepted;
    await settle(stack, started.count, shortfalls);
    const limit = await phase(service, () =>
      refs.bare.measure({
        count: Math.max(full.result.accepted, concurrency),
        concurrency,
        warmup: concurrency,
      }),
    );
    started.count += limit.result.started + concurrency;
    await settle(stack, started.count, shortfalls);
    const perWebhook = (cpuSeconds: number) => round((cpuSeconds * 1000) / full.result.accepted, 2);
    const handedOffPerSecond =
      full.result.accepted / (full.result.durationSeconds + drain.result.seconds);
    const m: IntakeMeasurement = {
      run,
      variant,
      concurrency,
      full,
      bare: limit,
      koa,
      noTemporal,
      cpuMsPerWebhook: Object.fromEntries(
        Object.entries(full.cpuSeconds).map(([name, s]) => [name, perWebhook(s)]),
      ),
      ratioToBare: full.result.acceptedPerSecond / limit.result.perSecond,
      unrecorded: [...shortfalls],
      ratioToKoa: full.result.acceptedPerSecond / koa.result.acceptedPerSecond,
      outboxAtEnd,
      drainSeconds: round(drain.result.seconds, 2),
      handedOffPerSecond,
      cpuMsPerHandOff: Object.fromEntries(
        Object.entries(full.cpuSeconds).map(([name, s]) => [
          name,
          perWebhook(s + (drain.cpuSeconds[name] ?? 0)),
        ]),
      ),
    };
    progress(
      `intake run ${run}${variant === AS_GIVEN ? '' : ` (${variant})`} c=${concurrency}: stack ${round(full.result.acceptedPerSecond)}/s ` +
        `p50 ${round(full.result.latencyP50Ms)} ms p99 ${round(full.result.latencyP99Ms)} ms ` +
        `errors ${full.result.errors}; bare ${round(limit.result.perSecond)}/s ` +
        `(${round(m.ratioToBare * 100)}%); Koa ${round(koa.result.acceptedPerSecond)}/s ` +
        `(${round(m.ratioToKoa * 100)}%); no Temporal ${round(noTemporal.result.acceptedPerSecond)}/s; ` +
        `CPU ms/webhook ${JSON.stringify(m.cpuMsPerWebhook)}; ${outboxAtEnd} left in the ` +
        `outbox, handed off in ${m.drainSeconds} s (${round(handedOffPerSecond)}/s handed off); ` +
        `CPU ms/webhook until handed off ${JSON.stringify(m.cpuMsPerHandOff)}`,
    );
    out.push(m);
  }
  return out;
}

/**
 * Runs `work` and notes how much CPU each process (or group: PostgreSQL's backends) and the
 * whole machine used meanwhile. Only processes alive at both ends count (a pool may close
 * a connection meanwhile, and its backend's time goes with it).
 */
async function phase<T>(
  groups: Record<string, number[]>,
  work: () => Promise<T>,
): Promise<Phase<T>> {
  const cpuOf = (pid: number) => {
    try {
      return sampleProcess(pid).cpuSeconds;
    } catch {
      return null;
    }
  };
  const before = Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [name, pids.map((pid) => [pid, cpuOf(pid)])]),
  ) as Record<string, [number, number | null][]>;
  const machineBefore = systemCpu();
  const began = Date.now();
  const result = await work();
  const seconds = (Date.now() - began) / 1000;
  const machineAfter = systemCpu();
  const cpuSeconds: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  for (const [name, samples] of Object.entries(before)) {
    const used = samples.reduce((sum, [pid, start]) => {
      const end = cpuOf(pid);
      return start === null || end === null ? sum : sum + (end - start);
    }, 0);
    cpuSeconds[name] = round(used, 2);
    cpu[name] = round((used / seconds) * 100);
  }
  return {
    result,
    cpu,
    cpuSeconds,
    machineBusyPercent: round(busyShare(machineBefore, machineAfter)),
  };
}

/** The server processes serving `database` (the stack's: the API's and the worker's pools). */
async function postgresBackends(stack: Stack, database: string): Promise<number[]> {
  const rows = await stack.db
    .select<{ pid: number }[]>('pid')
    .from('pg_stat_activity')
    .where({ datname: database })
    .whereNot('pid', stack.db.raw('pg_backend_pid()'));
  return rows.map((r) => Number(r.pid));
}

/**
 * Waits until the relay has handed every stored webhook to Temporal (the outbox is
 * empty); resolves with how long that took. Gives up after `timeoutMs`, saying so.
 */
async function drainOutbox(stack: Stack, timeoutMs = 240_000): Promise<{ seconds: number }> {
  const began = Date.now();
  while (Date.now() - began < timeoutMs) {
    if ((await outboxBacklog(stack.db)).pending === 0)
      return { seconds: (Date.now() - began) / 1000 };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  progress(`warning: the outbox was not empty after ${timeoutMs / 1000} s; going on`);
  return { seconds: (Date.now() - began) / 1000 };
}

/**
 * Waits until the worker has recorded `waiting` for every recovery started so far (and
 * nothing new for a moment: requests cut off when a load run ended may add a few), so
 * each phase starts with no backlog. If it hasn't in time, says which recoveries lack it
 * and where they are (bench/unrecorded.ts), notes that in `shortfalls`, and goes on.
 */
async function settle(
  stack: Stack,
  expected: number,
  shortfalls: Unrecorded[],
  timeoutMs = 240_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const [{ n }] = await stack
      .db('recovery_events')
      .where({ transition: 'waiting' })
      .count<{ n: string }[]>({ n: '*' });
    const count = Number(n);
    if (count !== last) {
      last = count;
      stableSince = Date.now();
    } else if (count >= expected && Date.now() - stableSince >= 1_000) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const connection = await Connection.connect({ address: stack.temporal.address });
  try {
    const unrecorded = await unrecordedRecoveries(stack.db, expected, (workflowId) =>
      describeInTemporal(connection, workflowId),
    );
    progress(`warning: after ${timeoutMs / 1000} s ${formatUnrecorded(unrecorded)}; going on`);
    shortfalls.push(unrecorded);
  } finally {
    await connection.close();
  }
}

interface Bare {
  measure(request: BareRequest): Promise<BareResult>;
  stop(): Promise<void>;
}

/** The bare signalWithStart client, one long-lived process per run like the API. */
async function startBare(stack: Stack, tag: string): Promise<Bare> {
  const script = path.join(ROOT, 'dist/bench/targets/bare-signal.js');
  const child = startProcess(process.execPath, [script], {
    env: {
      PATH: process.env.PATH ?? '',
      BENCH_TEMPORAL_ADDRESS: stack.temporal.address,
      BENCH_TASK_QUEUE: TASK_QUEUE,
      BENCH_DELAY_MS: String(DELAY_MS),
      BENCH_TAG: tag,
      // The same payload encryption as the API's client, so the limit compares like with like.
      PAYLOAD_KEYS: stack.env.PAYLOAD_KEYS ?? '',
      PAYLOAD_ENCRYPTION: stack.env.PAYLOAD_ENCRYPTION ?? 'on',
    },
    cwd: ROOT,
    logFile: path.join(scratch, `bare-${tag}.log`),
    ipc: true,
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const onExit = () => reject(new Error(`bare client exited:\n${child.output()}`));
      child.child.once('exit', onExit);
      child.child.once('message', (message) => {
        child.child.off('exit', onExit);
        resolve(message);
      });
    });
  await next(); // { ready: true }
  return {
    async measure(request) {
      const answer = next();
      child.child.send(request);
      return (await answer) as BareResult;
    },
    async stop() {
      child.child.disconnect();
      await child.stop();
    },
  };
}

/**
 * Every process is measured warm, as it would be in production: V8 optimises the request
 * path only after some thousands of requests (a cold API spends 3× the CPU per webhook).
 * The API first takes webhooks it records and ignores (card payments: no workflow, so
 * quick), then real PIX ones; the references and the bare client get their share too.
 */
async function warmUp(
  tag: string,
  stack: Stack,
  started: { count: number },
  apiTarget: Omit<Hammer, 'connections' | 'durationSeconds'>,
  references: Omit<Hammer, 'connections' | 'durationSeconds'>[],
  bare: Bare,
  shortfalls: Unrecorded[],
): Promise<void> {
  progress(`intake ${tag}: warming up`);
  const card = paymentFactory(`${tag}w`);
  const warm = { connections: 32, durationSeconds: WARMUP_SECONDS };
  await hammer({ ...apiTarget, ...warm, nextBody: () => waitingBody(card(), 'credit_card') });
  started.count += (await hammer({ ...apiTarget, ...warm })).accepted;
  for (const reference of references) await hammer({ ...reference, ...warm });
  await settle(stack, started.count, shortfalls);
  started.count += (await bare.measure({ count: 300, concurrency: 32, warmup: 0 })).started;
  await settle(stack, started.count, shortfalls);
}

interface HttpTarget {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startKoa(label: string): Promise<HttpTarget> {
  const port = await freePort();
  const child = startProcess(
    process.execPath,
    [path.join(ROOT, 'dist/bench/targets/koa-ceiling.js')],
    {
      env: { PATH: process.env.PATH ?? '', BENCH_PORT: String(port) },
      cwd: ROOT,
      logFile: path.join(scratch, `koa-${label}.log`),
    },
  );
  await child.waitFor(/koa ceiling listening/, 20_000);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.stop() };
}

function summarise(options: BenchOptions, ms: IntakeMeasurement[]): IntakeSummaryRow[] {
  return variants(options).flatMap(({ name: variant }) =>
    options.intake.concurrency.map((concurrency) =>
      summariseAt(
        variant,
        concurrency,
        ms.filter((m) => m.variant === variant && m.concurrency === concurrency),
      ),
    ),
  );
}

function summariseAt(
  variant: string,
  concurrency: number,
  at: IntakeMeasurement[],
): IntakeSummaryRow {
  const of = (pick: (m: IntakeMeasurement) => number) => spread(at.map(pick));
  return {
    variant,
    concurrency,
    fullPerSecond: of((m) => m.full.result.acceptedPerSecond),
    fullP50Ms: of((m) => m.full.result.latencyP50Ms),
    fullP99Ms: of((m) => m.full.result.latencyP99Ms),
    fullErrors: of((m) => m.full.result.errors),
    barePerSecond: of((m) => m.bare.result.perSecond),
    bareP99Ms: of((m) => m.bare.result.latencyP99Ms),
    koaPerSecond: of((m) => m.koa.result.acceptedPerSecond),
    koaP99Ms: of((m) => m.koa.result.latencyP99Ms),
    noTemporalPerSecond: of((m) => m.noTemporal.result.acceptedPerSecond),
    noTemporalP99Ms: of((m) => m.noTemporal.result.latencyP99Ms),
    noTemporalApiCpuMs: of(
      (m) => (m.noTemporal.cpuSeconds.api * 1000) / m.noTemporal.result.accepted,
    ),
    ratioToBare: of((m) => m.ratioToBare * 100),
    ratioToKoa: of((m) => m.ratioToKoa * 100),
    cpuMsPerWebhook: Object.fromEntries(
      CPU_PARTS.map((name) => [name, of((m) => m.cpuMsPerWebhook[name])]),
    ),
    outboxAtEnd: of((m) => m.outboxAtEnd),
    drainSeconds: of((m) => m.drainSeconds),
    handedOffPerSecond: of((m) => m.handedOffPerSecond),
    cpuMsPerHandOff: Object.fromEntries(
      CPU_PARTS.map((name) => [name, of((m) => m.cpuMsPerHandOff[name])]),
    ),
  };
}

const CPU_PARTS = ['api', 'postgres', 'worker', 'temporal', 'bench'];

function markdown(rows: IntakeSummaryRow[], ms: IntakeMeasurement[]): string {
  const names = [...new Set(rows.map((r) => r.variant))];
  if (names.length === 1) return variantMarkdown(rows);
  const sections = names.map(
    (name) => `#### ${name}\n\n${variantMarkdown(rows.filter((r) => r.variant === name))}`,
  );
  return [...sections, comparisonMarkdown(names.slice(1), rows, ms)].join('\n\n');
}

/** Each changed variant against the service as given: ratios taken within each run. */
function comparisonMarkdown(
  changed: string[],
  rows: IntakeSummaryRow[],
  ms: IntakeMeasurement[],
): string {
  const key = (m: IntakeMeasurement) => String(m.run);
  const row = (variant: string, concurrency: number) =>
    rows.find((r) => r.variant === variant && r.concurrency === concurrency);
  const lines = changed.flatMap((variant) =>
    [...new Set(rows.map((r) => r.concurrency))].map((c) => {
      const at = ms.filter((m) => m.concurrency === c);
      const ratio = (pick: (m: IntakeMeasurement) => number) =>
        formatSpread(ratioPerRun(at, variant, key, pick), 1, '%');
      const ofBare = (name: string) => {
        const r = row(name, c);
        return r ? formatSpread(r.ratioToBare, 0, '%') : 'n/a';
      };
      return [
        variant,
        c,
        ofBare(AS_GIVEN),
        ofBare(variant),
        ratio((m) => m.ratioToBare),
        ratio((m) => m.full.result.acceptedPerSecond),
        ratio((m) => m.handedOffPerSecond),
        ratio((m) => sumCpu(m.cpuMsPerHandOff)),
        ratio((m) => m.full.result.latencyP99Ms),
        ratio((m) => m.koa.result.acceptedPerSecond),
      ];
    }),
  );
  return `#### Compared with the service ${AS_GIVEN}, per run\n\n${table(
    [
      'variant',
      'concurrency',
      '% of bare, as given',
      '% of bare, variant',
      'variant ÷ as given: % of bare',
      'webhooks/s',
      'handed off/s',
      'service CPU per webhook handed off',
      'p99',
      'Koa ceiling (the machine)',
    ],
    lines,
  )}`;
}

function variantMarkdown(rows: IntakeSummaryRow[]): string {
  const throughput = table(
    [
      'concurrency',
      'accepted webhooks/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'bare signalWithStart/s',
      'bare p99 ms',
      '% of bare',
      'Koa ceiling/s',
      '% of Koa',
    ],
    rows.map((r) => [
      r.concurrency,
      formatSpread(r.fullPerSecond),
      formatSpread(r.fullP50Ms),
      formatSpread(r.fullP99Ms),
      formatSpread(r.fullErrors),
      formatSpread(r.barePerSecond),
      formatSpread(r.bareP99Ms),
      formatSpread(r.ratioToBare, 0, '%'),
      formatSpread(r.koaPerSecond),
      formatSpread(r.ratioToKoa, 1, '%'),
    ]),
  );
  const ours = table(
    [
      'concurrency',
      ...CPU_PARTS.map((p) => `${p} CPU ms/webhook`),
      'API without Temporal: webhooks/s',
      'its p99 ms',
      'its API CPU ms/webhook',
    ],
    rows.map((r) => [
      r.concurrency,
      ...CPU_PARTS.map((p) => formatSpread(r.cpuMsPerWebhook[p], 2)),
      formatSpread(r.noTemporalPerSecond),
      formatSpread(r.noTemporalP99Ms),
      formatSpread(r.noTemporalApiCpuMs, 2),
    ]),
  );
  const handOff = table(
    [
      'concurrency',
      'left in the outbox at the end',
      'drain s',
      'handed off/s (load + drain)',
      ...CPU_PARTS.map((p) => `${p} CPU ms/webhook until handed off`),
    ],
    rows.map((r) => [
      r.concurrency,
      formatSpread(r.outboxAtEnd),
      formatSpread(r.drainSeconds, 1),
      formatSpread(r.handedOffPerSecond),
      ...CPU_PARTS.map((p) => formatSpread(r.cpuMsPerHandOff[p], 2)),
    ]),
  );
  return `${throughput}\n\n${ours}\n\n${handOff}`;
}

/** The service's own processes (API, PostgreSQL, worker, dev server), not the bench's. */
function sumCpu(ms: Record<string, number>): number {
  return CPU_PARTS.filter((p) => p !== 'bench').reduce((sum, p) => sum + (ms[p] ?? 0), 0);
}
