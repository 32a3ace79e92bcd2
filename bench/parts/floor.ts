/**
 * The floors: what the dev server and the SDK alone make of the work our service asks of
 * them, measured next to the service in the same run, on a dev server of the same kind.
 * A minimal workflow (bench/floor/) waits on a timer and sends one SMS through the official
 * `twilio` client to a Twilio emulator; its own workers (bench/targets/floor-worker.ts)
 * run the SDK's default options, with the SDK's default cache or ours.
 * - Burst: as many of them as our burst has unpaid recoveries, due as ours are.
 * - Relay: `signalWithStart` of it at our relay's steady rate, with a worker polling: the
 *   call's latency is the floor of our relay lag (webhook answered -> signal accepted).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { DEV_ACCOUNT_SID } from '../../src/twilio-emulator';
import { paymentFactory } from '../bodies';
import { smsLags, smsPerSecond } from '../floor/lags';
import { FLOOR_TASK_QUEUE, FLOOR_WORKFLOW, floorSignal } from '../floor/definitions';
import type { floorRecovery } from '../floor/workflow';
import { steadily } from '../load';
import type { BenchOptions } from '../options';
import { cpuMsPer, sampleProcess } from '../proc-stats';
import { sleep, startProcess, type Started } from '../processes';
import { progress, table } from '../report';
import {
  emulatorMessages,
  ROOT,
  scratch,
  startEmulator,
  startTemporal,
  type TemporalStore,
} from '../stack';
import { formatSpread, percentile, round, spread } from '../stats';

/**
 * Time to start every workflow and let its first task run before the first falls due:
 * generous, because a start acknowledged after its due instant is no burst (starting 500
 * took about 30 s at a load average of 20 on this 2-core machine).
 */
const START_MARGIN_MS = 15_000;
const START_MS_EACH = 100;
const START_CONCURRENCY = 32;

let bundlePath: Promise<string> | null = null;

/** The floor's workflow bundle, built once per bench process. */
function floorBundle(): Promise<string> {
  bundlePath ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../floor/workflow'),
  }).then(({ code }) => {
    const file = path.join(scratch, 'floor-workflow-bundle.js');
    fs.writeFileSync(file, code);
    return file;
  });
  return bundlePath;
}

interface Floor {
  client: Client;
  emulatorUrl: string;
  temporalPid: number;
  workers: Started[];
  /** The cache each worker runs with (the SDK's choice when none was set). */
  cacheInUse: number;
  stop(): Promise<void>;
}

/** The dev server the service's stacks get: `--temporal-store` and `--temporal-config`. */
export interface FloorServer {
  store: TemporalStore;
  config: Readonly<Record<string, string>>;
}

export const floorServer = (options: BenchOptions): FloorServer => ({
  store: options.temporalStore,
  config: options.temporalConfig,
});

async function startFloor(
  label: string,
  server: FloorServer,
  workers: number,
  cache: number | null,
): Promise<Floor> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => console.error(err));
  };
  try {
    const [temporal, emulator, codePath] = await Promise.all([
      startTemporal(label, server.store, server.config),
      startEmulator(label),
      floorBundle(),
    ]);
    stops.push(
      () => temporal.stop(),
      () => emulator.stop(),
    );
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: FLOOR_TASK_QUEUE,
      TWILIO_ACCOUNT_SID: DEV_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: emulator.authToken,
      TWILIO_PHONE_NUMBER: '+15005550006',
      TWILIO_API_URL: emulator.url,
      FLOOR_WORKFLOW_BUNDLE: codePath,
      ...(cache === null ? {} : { FLOOR_CACHED_WORKFLOWS: String(cache) }),
    };
    const started = Array.from({ length: workers }, (_, i) =>
      startProcess(process.execPath, [path.join(__dirname, '../targets/floor-worker.js')], {
        env,
        cwd: ROOT,
        logFile: path.join(scratch, `${label}-worker-${i + 1}.log`),
      }),
    );
    stops.push(...started.map((w) => () => w.stop()));
    await Promise.all(started.map((w) => w.waitFor(/floor worker polling/)));
    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    return {
      client: new Client({ connection }),
      emulatorUrl: emulator.url,
      temporalPid: temporal.pid,
      workers: started,
      cacheInUse: Number(/floor worker polling \(cache (\d+)\)/.exec(started[0].output())?.[1]),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export interface FloorBurstResult {
  run: number;
  workers: number;
  /** The cache asked for: null for the SDK's default. */
  cache: number | null;
  cacheInUse: number;
  sms: number;
  /** SMS per second falling due (0: all at the same instant). */
  dueRate: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  missingSms: number;
  duplicateSms: number;
  /** Workflows whose start was acknowledged only after their due instant. */
  startedAfterDue: number;
  smsPerSecond: number;
  /** CPU ms per SMS sent: every floor worker together, and the dev server. */
  cpuMsPerSms: { worker: number; temporal: number };
}

/**
 * `sms` floor workflows, due from one instant on at `dueRate` per second (0: all at that
 * instant), on a fresh dev server with `workers` floor workers.
 */
export async function floorBurst(
  server: FloorServer,
  spec: { run: number; sms: number; dueRate: number; workers: number; cache: number | null },
): Promise<FloorBurstResult> {
  const label = `floor-burst-${spec.sms}-${spec.run}-w${spec.workers}-c${spec.cache ?? 'sdk'}`;
  progress(`${label}: starting the floor`);
  const floor = await startFloor(label, server, spec.workers, spec.cache);
  try {
    const next = paymentFactory(`fb${spec.run}`);
    const firstDue = Date.now() + START_MARGIN_MS + spec.sms * START_MS_EACH;
    const dueAt = new Map(
      Array.from({ length: spec.sms }, (_, i) => [
        next().e164,
        firstDue + (spec.dueRate > 0 ? (i / spec.dueRate) * 1000 : 0),
      ]),
    );
    const acknowledged = await startAll(floor.client, dueAt);
    const startedAfterDue = [...dueAt].filter(([to, due]) => acknowledged.get(to)! >= due).length;
    const lastDue = Math.max(...dueAt.values());
    progress(
      `${label}: ${spec.sms} started (cache ${floor.cacheInUse}); the first falls due in ` +
        `${Math.round((firstDue - Date.now()) / 1000)}s`,
    );
    await sleep(Math.max(0, firstDue - Date.now()));
    const pids = [...floor.workers.map((w) => w.pid), floor.temporalPid];
    const from = pids.map(sampleProcess);
    const messages = await waitForMessages(floor.emulatorUrl, spec.sms, lastDue + 180_000);
    const to = pids.map(sampleProcess);
    const { lags, missing, duplicates } = smsLags(messages, dueAt);
    const result: FloorBurstResult = {
      ...spec,
      cacheInUse: floor.cacheInUse,
      lagP50Ms: round(percentile(lags, 50)),
      lagP99Ms: round(percentile(lags, 99)),
      lagMaxMs: round(lags.reduce((a, b) => Math.max(a, b), -Infinity)),
      missingSms: missing,
      duplicateSms: duplicates,
      startedAfterDue,
      smsPerSecond: round(smsPerSecond(messages)),
      cpuMsPerSms: {
        worker: round(cpuMsPer(from.slice(0, -1), to.slice(0, -1), messages.length)),
        temporal: round(cpuMsPer(from.slice(-1), to.slice(-1), messages.length)),
      },
    };
    progress(`${label}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await floor.stop();
  }
}

/** Starts one floor workflow per recipient; resolves with when each start was acknowledged. */
async function startAll(client: Client, dueAt: Map<string, number>): Promise<Map<string, number>> {
  const acknowledged = new Map<string, number>();
  const queue = [...dueAt];
  const lane = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [to, due] = item;
      await client.workflow.start<typeof floorRecovery>(FLOOR_WORKFLOW, {
        workflowId: `floor-${to}`,
        taskQueue: FLOOR_TASK_QUEUE,
        args: [{ dueAt: due, to }],
      });
      acknowledged.set(to, Date.now());
    }
  };
  await Promise.all(Array.from({ length: START_CONCURRENCY }, lane));
  return acknowledged;
}

/** The emulator's messages once it has `expected` of them (or at `deadline`, epoch ms). */
async function waitForMessages(url: string, expected: number, deadline: number) {
  for (;;) {
    const messages = await emulatorMessages(url);
    if (messages.length >= expected || Date.now() > deadline) return messages;
    await sleep(250);
  }
}

export interface FloorRelayResult {
  run: number;
  rate: number;
  seconds: number;
  calls: number;
  errors: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
}

/**
 * `signalWithStart` of a floor workflow due in an hour (so it starts a timer), every 1/rate
 * s for `seconds`, from a client in the bench's process, with one floor worker polling.
 */
export async function floorRelay(
  server: FloorServer,
  spec: { run: number; rate: number; seconds: number },
): Promise<FloorRelayResult> {
  const label = `floor-relay-${spec.run}`;
  progress(`${label}: bare signalWithStart at ${spec.rate}/s for ${spec.seconds} s`);
  const floor = await startFloor(label, server, 1, null);
  try {
    const next = paymentFactory(`fr${spec.run}`);
    const until = Date.now() + spec.seconds * 1000;
    const timed = await steadily(
      spec.rate,
      () => Date.now() < until,
      async () => {
        const to = next().e164;
        const began = performance.now();
        try {
          await floor.client.workflow.signalWithStart<typeof floorRecovery>(FLOOR_WORKFLOW, {
            workflowId: `floor-${to}`,
            taskQueue: FLOOR_TASK_QUEUE,
            args: [{ dueAt: Date.now() + 3_600_000, to }],
            signal: floorSignal,
          });
          return performance.now() - began;
        } catch {
          return null;
        }
      },
    );
    const latencies = timed.filter((ms): ms is number => ms !== null);
    const result: FloorRelayResult = {
      ...spec,
      calls: timed.length,
      errors: timed.length - latencies.length,
      latencyP50Ms: round(percentile(latencies, 50)),
      latencyP99Ms: round(percentile(latencies, 99)),
      latencyMaxMs: round(latencies.reduce((a, b) => Math.max(a, b), 0)),
    };
    progress(`${label}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await floor.stop();
  }
}

export const cacheName = (cache: number | null, inUse: number) =>
  cache === null ? `SDK default (${inUse})` : String(cache);

export function floorBurstMarkdown(runs: FloorBurstResult[]): string {
  const keys = [...new Set(runs.map((r) => `${r.sms}:${r.workers}:${r.cache}`))];
  const rows = keys.map((key) => {
    const at = runs.filter((r) => `${r.sms}:${r.workers}:${r.cache}` === key);
    const of = (pick: (r: FloorBurstResult) => number, digits = 0) =>
      formatSpread(spread(at.map(pick)), digits);
    return [
      at[0].sms,
      at[0].workers,
      cacheName(at[0].cache, at[0].cacheInUse),
      at[0].dueRate > 0 ? at[0].dueRate : 'all at once',
      of((r) => r.lagP50Ms),
      of((r) => r.lagP99Ms),
      of((r) => r.lagMaxMs),
      of((r) => r.missingSms),
      of((r) => r.startedAfterDue),
      of((r) => r.smsPerSecond, 1),
      of((r) => r.cpuMsPerSms.worker, 1),
      of((r) => r.cpuMsPerSms.temporal, 1),
    ];
  });
  return (
    'Floor: the minimal workflow (a timer, then one SMS activity) on a dev server of the ' +
    `same kind, ${runs.length} runs in all:\n\n` +
    table(
      [
        'SMS',
        'workers',
        'cache',
        'due per s',
        'lag p50 ms',
        'lag p99 ms',
        'lag max ms',
        'without SMS',
        'started after due',
        'SMS/s',
        'worker CPU ms/SMS',
        'dev server CPU ms/SMS',
      ],
      rows,
    )
  );
}

export function floorRelayMarkdown(runs: FloorRelayResult[]): string {
  const of = (pick: (r: FloorRelayResult) => number) => formatSpread(spread(runs.map(pick)));
  return (
    'Floor: bare `signalWithStart` of the minimal workflow at the same rate, one worker ' +
    'polling (compare with the relay lag):\n\n' +
    table(
      ['calls/s', 'seconds', 'runs', 'calls', 'errors', 'latency p50 ms', 'p99 ms', 'max ms'],
      [
        [
          runs[0].rate,
          runs[0].seconds,
          runs.length,
          of((r) => r.calls),
          of((r) => r.errors),
          of((r) => r.latencyP50Ms),
          of((r) => r.latencyP99Ms),
          of((r) => r.latencyMaxMs),
        ],
      ],
    )
  );
}
