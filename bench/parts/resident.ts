/**
 * Resident cost: what the worker, the API and the Temporal server hold and burn with N
 * recoveries waiting, and (in the first run) how long a worker takes to start with and
 * without the pre-built workflow bundle.
 */
import { paymentFactory } from '../bodies';
import type { BenchOptions } from '../options';
import { cpuPercent } from '../proc-stats';
import { sleep } from '../processes';
import { progress, table, writeResult } from '../report';
import { formatSpread, round, spread } from '../stats';
import { AS_GIVEN, ratioPerRun, variants } from '../variants';
import {
  DELAY,
  each,
  pidsOf,
  postWaiting,
  sampleAll,
  stackFor,
  waitForTransitions,
} from './recovery-stack';
import { startupTimes, summariseStartup, type StartupResult } from './worker-startup';

export interface ResidentResult {
  size: number;
  run: number;
  /** The service's configuration (`as given` unless `--compare-env`). */
  variant: string;
  baseline: Record<string, number>;
  /** With `size` recoveries waiting, MiB, `idleSeconds` after the last was scheduled. */
  rssMiB: Record<string, number>;
  /**
   * The same after `settledSeconds` idle: V8's memory reducer starts 8 s after activity
   * stops and returns the young generation and old-space garbage some seconds later.
   */
  settledRssMiB: Record<string, number>;
  /** CPU while they wait and nothing else happens, % of one core. */
  idleCpuPercent: Record<string, number>;
  /** CPU spent scheduling them (posting to last `waiting` recorded), seconds per 1,000. */
  cpuSecondsPer1000: Record<string, number>;
  schedulePerSecond: number;
  workerPeakRssMiB: number;
  /** (RSS with all waiting − RSS at start) / size. */
  workerKiBPerRecovery: number;
  workerRssCheckpoints: { posted: number; rssMiB: number }[];
}

export async function benchResident(options: BenchOptions) {
  const startedAt = Date.now();
  const resident: ResidentResult[] = [];
  let startup: StartupResult[] = [];
  for (let run = 1; run <= options.resident.runs; run += 1) {
    // Start-up times once, with the service as given.
    for (const [v, variant] of variants(options).entries()) {
      const out = await residentRun(variant.options, run, v, run === 1 && v === 0);
      resident.push({ ...out.resident, variant: variant.name });
      if (out.startup.length > 0) startup = out.startup;
    }
  }
  const names = [...new Set(resident.map((r) => r.variant))];
  const summary = {
    resident: names.map((name) => summariseResident(resident.filter((r) => r.variant === name))),
    startup: summariseStartup(startup),
  };
  const file = writeResult(options, 'resident', { summary, resident, startup }, startedAt);
  progress(`resident results: ${file}`);
  const sections = summary.resident.map((r, i) => {
    const md = residentMarkdown(r, i === 0 ? summary.startup : []);
    return names.length > 1 ? `#### ${r.variant}\n\n${md}` : md;
  });
  if (names.length > 1) sections.push(comparisonMarkdown(names.slice(1), resident));
  return { markdown: sections.join('\n\n') };
}

async function residentRun(options: BenchOptions, run: number, v: number, withStartup: boolean) {
  const size = options.resident.size;
  const label = `resident-${size}-${run}${v === 0 ? '' : `-v${v}`}`;
  const stack = await stackFor(options, label);
  try {
    await sleep(1_000);
    const pids = pidsOf(stack);
    const baseline = sampleAll(pids);
    const began = Date.now();
    const payments = Array.from({ length: size }, paymentFactory(`r${size}x${run}v${v}`));
    progress(
      `${label}: posting ${size} waiting webhooks at ${options.scheduleRate}/s (RECOVERY_DELAY ${DELAY})`,
    );
    const { acks, checkpoints } = await postWaiting(stack, payments, options.scheduleRate);
    const errors = acks.filter((a) => a.status !== 202).length;
    progress(`${label}: posted (${errors} errors); waiting for the worker to record them all`);
    await waitForTransitions(stack, ['waiting'], size, 30 * 60_000);
    const scheduled = sampleAll(pids);
    const scheduleSeconds = (Date.now() - began) / 1000;
    const idleFrom = sampleAll(pids);
    await sleep(options.resident.idleSeconds * 1000);
    const idleTo = sampleAll(pids);
    await sleep((options.resident.settledSeconds - options.resident.idleSeconds) * 1000);
    const settled = sampleAll(pids);
    const result: Omit<ResidentResult, 'variant'> = {
      size,
      run,
      baseline: each((n) => baseline[n].rssMiB),
      rssMiB: each((n) => idleTo[n].rssMiB),
      settledRssMiB: each((n) => settled[n].rssMiB),
      idleCpuPercent: each((n) => cpuPercent(idleFrom[n], idleTo[n])),
      cpuSecondsPer1000: each(
        (n) => ((scheduled[n].cpuSeconds - baseline[n].cpuSeconds) * 1000) / size,
      ),
      schedulePerSecond: round(size / scheduleSeconds),
      workerPeakRssMiB: round(idleTo.worker.peakRssMiB),
      workerKiBPerRecovery: round(
        ((idleTo.worker.rssMiB - baseline.worker.rssMiB) * 1024) / size,
        1,
      ),
      workerRssCheckpoints: checkpoints,
    };
    progress(
      `${label}: worker ${result.rssMiB.worker} MiB with ${size} waiting ` +
        `(${result.settledRssMiB.worker} MiB after ${options.resident.settledSeconds} s idle; peak ` +
        `${result.workerPeakRssMiB}, ${result.workerKiBPerRecovery} KiB each); API ` +
        `${result.rssMiB.api} MiB; idle CPU worker ${result.idleCpuPercent.worker}%, ` +
        `Temporal ${result.idleCpuPercent.temporal}%; scheduled at ${result.schedulePerSecond}/s`,
    );
    const startup = withStartup ? await startupTimes(stack, options) : [];
    return { resident: result, startup };
  } finally {
    await stack.stop();
  }
}

function summariseResident(runs: ResidentResult[]) {
  const of = (pick: (r: ResidentResult) => number) => spread(runs.map(pick));
  const names = ['worker', 'api', 'temporal'];
  const per = (pick: (r: ResidentResult) => Record<string, number>) =>
    Object.fromEntries(names.map((n) => [n, of((r) => pick(r)[n])]));
  return {
    variant: runs[0].variant,
    size: runs[0].size,
    rssMiB: per((r) => r.rssMiB),
    settledRssMiB: per((r) => r.settledRssMiB),
    baselineMiB: per((r) => r.baseline),
    idleCpuPercent: per((r) => r.idleCpuPercent),
    cpuSecondsPer1000: per((r) => r.cpuSecondsPer1000),
    workerPeakRssMiB: of((r) => r.workerPeakRssMiB),
    workerKiBPerRecovery: of((r) => r.workerKiBPerRecovery),
    schedulePerSecond: of((r) => r.schedulePerSecond),
  };
}

function residentMarkdown(
  r: ReturnType<typeof summariseResident>,
  startup: ReturnType<typeof summariseStartup>,
): string {
  const row = (label: string, pick: Record<string, ReturnType<typeof spread>>, digits = 0) => [
    label,
    formatSpread(pick.worker, digits),
    formatSpread(pick.api, digits),
    formatSpread(pick.temporal, digits),
  ];
  const parts = [
    table(
      [`${r.size} recoveries waiting`, 'worker', 'API', 'Temporal dev server'],
      [
        row('RSS MiB', r.rssMiB),
        row('RSS MiB, settled', r.settledRssMiB),
        row('RSS at start MiB', r.baselineMiB),
        row('idle CPU, % of a core', r.idleCpuPercent, 1),
        row('CPU s per 1,000 scheduled', r.cpuSecondsPer1000, 2),
      ],
    ),
    `Worker peak RSS ${formatSpread(r.workerPeakRssMiB)} MiB; ` +
      `${formatSpread(r.workerKiBPerRecovery, 1)} KiB per waiting recovery (growth since start ` +
      `÷ recoveries); scheduled end to end at ${formatSpread(r.schedulePerSecond, 1)}/s.`,
  ];
  if (startup.some((s) => s.ms.runs.length > 0)) {
    parts.push(
      table(
        ['worker start-up', 'ms to "worker polling"', 'RSS MiB when polling'],
        startup.map((s) => [s.mode, formatSpread(s.ms), formatSpread(s.rssMiB)]),
      ),
    );
  }
  return parts.join('\n\n');
}

/** Each changed variant against the service as given: ratios taken within each run. */
function comparisonMarkdown(changed: string[], runs: ResidentResult[]): string {
  const key = (r: ResidentResult) => String(r.run);
  const lines = changed.map((variant) => {
    const ratio = (pick: (r: ResidentResult) => number) =>
      formatSpread(ratioPerRun(runs, variant, key, pick), 1, '%');
    return [
      variant,
      ratio((r) => r.rssMiB.worker),
      ratio((r) => r.settledRssMiB.worker),
      ratio((r) => r.baseline.worker),
      ratio((r) => r.workerPeakRssMiB),
      ratio((r) => r.cpuSecondsPer1000.worker),
    ];
  });
  return `Compared with the service ${AS_GIVEN}, per run (variant ÷ as given):\n\n${table(
    [
      'variant',
      'worker RSS',
      'settled',
      'worker RSS at start',
      'worker peak RSS',
      'worker CPU per 1,000',
    ],
    lines,
  )}`;
}
