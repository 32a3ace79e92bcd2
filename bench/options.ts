import path from 'node:path';
import { TEMPORAL_STORES, type TemporalStore } from './stack';

export const PARTS = ['intake', 'outbox', 'timers', 'resident', 'suite'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  parts: Part[];
  quick: boolean;
  /** Repeats of every measurement; figures are medians over them. */
  runs: number;
  intake: { concurrency: number[]; durationSeconds: number };
  /** Relay lag at a steady rate; a Temporal outage under a steady rate. */
  outbox: { lagRate: number; lagSeconds: number; outageRate: number; outageSeconds: number };
  /**
   * `rate`: recoveries falling due per second (half of them paid, so half as many SMS);
   * 0 makes them all due at the same instant.
   */
  timers: { sizes: number[]; rate: number; workers: number[] };
  /**
   * The floors next to ours (bench/parts/floor.ts): a bare burst in every timers run, a bare
   * relay in every outbox lag run. `--no-floors` leaves them out.
   */
  floors: boolean;
  resident: {
    size: number;
    runs: number;
    idleSeconds: number;
    settledSeconds: number;
    startupRuns: number;
  };
  /** `npm test` too (`fullRuns` times), or only the time-skipping workflow tests. */
  suite: { full: boolean; fullRuns: number };
  /**
   * Waiting webhooks posted per second by the timer and resident parts: a pace the stack
   * keeps up with end to end (a flood makes the dev server queue the worker's tasks).
   */
  scheduleRate: number;
  /** How the Temporal dev server keeps its state (see BENCHMARKS.md for why memory). */
  temporalStore: TemporalStore;
  /** The dev server's dynamic configuration over the service's own (DEV_SERVER_DYNAMIC_CONFIG). */
  temporalConfig: Record<string, string>;
  outDir: string;
  /** Keep the scratch folder (logs, dev-server files) after a successful run. */
  keep: boolean;
  /** Run the API and the worker under `node --cpu-prof`; profiles go to the scratch folder. */
  profile: boolean;
  /** The build of the service to measure (default dist/): another checkout's, for before/after. */
  serviceDist: string;
  /** Set in (or, with an empty value, removed from) the API's and the worker's environment. */
  serviceEnv: Record<string, string>;
  /**
   * With names: every run of intake, timers and resident measures the service twice, as
   * given and then with these set (or unset), and reports the pair and their ratio per run.
   */
  compareEnv: Record<string, string>;
}

export const USAGE = `usage: npm run bench -- [options]

  --only PARTS          comma-separated parts: ${PARTS.join(', ')} (default: all)
  --quick               one run each, small sizes: for iterating (a few minutes)
  --runs N              repeats of every measurement (default 3; --quick 1)
  --concurrency LIST    intake concurrency levels (default 8,32,128)
  --duration SECONDS    intake: length of each load run (default 5)
  --outage SECONDS      outbox: how long Temporal stays stopped (default 60; --quick 10)
  --timer-sizes LIST    timers: recoveries per run (default 1000)
  --timer-rate N        timers: recoveries falling due per second, half of them paid
                        (default 20, so 10 SMS/s); 0: all due at the same instant
  --workers LIST        timers: worker processes, each count in turn in every run
                        (default 1); e.g. --timer-rate 0 --timer-sizes 1000 --workers 1,2
                        puts 500 SMS due at one instant with one, then two workers
  --no-floors           timers, outbox: leave out the floors measured next to ours (the
                        minimal workflow's burst, with the SDK's default cache and ours;
                        bare signalWithStart at the relay's rate)
  --resident-size N     resident: recoveries waiting while memory is measured (default 10000)
  --resident-runs N     resident: runs of that size (default 1: scheduling 10,000 takes minutes)
  --suite-runs N        suite: runs of npm test (default 2; the workflow tests run --runs times)
  --schedule-rate N     timers, resident: webhooks posted per second (default 25, about what
                        this 2-core machine schedules end to end)
  --temporal-store S    memory (default), file (SQLite as npm start keeps it: WAL, synced
                        at every commit), file-journal (SQLite's default rollback journal,
                        npm start's store before session 10) or file-wal (WAL, no sync per
                        commit); the outbox's outage part always runs on a file: the one
                        given here, or file
  --temporal-config K=V set the dev server's dynamic configuration value K (over what npm
                        start sets); repeatable: e.g. --temporal-config
                        system.enableActivityEagerExecution=false
  --keep                keep the scratch folder with every process's log
  --profile             run the API and the worker with --cpu-prof (implies --keep): one file
                        per thread (the worker's workflow threads too) in profiles/<process>/;
                        read them with: node dist/bench/profile-summary.js FILE.cpuprofile
  --service-dist DIR    run the API and worker from another build (e.g. an older checkout's
                        dist/) to compare before and after a change
  --service-env K=V     set K (or with K= unset it) in the API's and worker's environment;
                        repeatable: e.g. --service-env MALLOC_ARENA_MAX= to measure glibc's
                        default against the service's MALLOC_ARENA_MAX=2
  --compare-env K=V     intake, timers, resident: in every run, measure the service as
                        given, then again with K=V (or K= unset), and report the pair with
                        its per-run ratios; repeatable: e.g. --compare-env PAYLOAD_ENCRYPTION=off
  --out DIR             where result files go (default bench/results)
  --help
`;

function list(value: string, name: string): number[] {
  const numbers = value.split(',').map((v) => Number(v.trim()));
  if (numbers.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`${name} expects positive whole numbers, e.g. 8,32`);
  }
  return numbers;
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} expects a positive number`);
  return n;
}

function nonNegative(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} expects a number, 0 or more`);
  return n;
}

function store(value: string, name: string): TemporalStore {
  const known = TEMPORAL_STORES.find((store) => store === value);
  if (known) return known;
  throw new Error(`${name} expects one of ${TEMPORAL_STORES.join(', ')}`);
}

function configAssignment(value: string): [string, string] {
  const match = /^([A-Za-z][\w.]*)=(.+)$/s.exec(value);
  if (!match)
    throw new Error(
      `--temporal-config needs KEY=VALUE, e.g. system.enableActivityEagerExecution=false, not "${value}"`,
    );
  return [match[1], match[2]];
}

function envAssignment(flag: string, value: string): [string, string] {
  const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/s.exec(value);
  if (!match) throw new Error(`${flag} expects NAME=VALUE, e.g. MALLOC_ARENA_MAX=4`);
  return [match[1], match[2]];
}

export function parseOptions(argv: string[], root: string): BenchOptions | null {
  const given = new Map<string, string>();
  const serviceEnv: string[] = [];
  const compareEnv: string[] = [];
  const temporalConfig: string[] = [];
  const known = new Set([
    'quick',
    'keep',
    'profile',
    'only',
    'runs',
    'concurrency',
    'duration',
    'outage',
    'timer-sizes',
    'timer-rate',
    'workers',
    'resident-size',
    'resident-runs',
    'suite-runs',
    'schedule-rate',
    'temporal-store',
    'temporal-config',
    'service-dist',
    'service-env',
    'compare-env',
    'out',
  ]);
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return null;
    if (arg === '--quick' || arg === '--keep' || arg === '--profile' || arg === '--no-floors') {
      given.set(arg.slice(2), 'true');
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    if (!flag.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    if (!known.has(flag.slice(2))) throw new Error(`unknown option ${flag}; ${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--temporal-config') {
      temporalConfig.push(value);
      continue;
    }
    if (flag === '--service-env' || flag === '--compare-env') {
      (flag === '--service-env' ? serviceEnv : compareEnv).push(value);
      continue;
    }
    given.set(flag.slice(2), value);
  }
  const quick = given.has('quick');
  const parts = (given.get('only')?.split(',') ?? [...PARTS]).map((p) => p.trim());
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; ${USAGE}`);

  const get = <T>(key: string, parse: (v: string, n: string) => T, fallback: T): T => {
    const value = given.get(key);
    return value === undefined ? fallback : parse(value, `--${key}`);
  };
  return {
    parts: PARTS.filter((p) => parts.includes(p)),
    quick,
    runs: Math.round(get('runs', positive, quick ? 1 : 3)),
    intake: {
      concurrency: get('concurrency', list, quick ? [32] : [8, 32, 128]),
      durationSeconds: get('duration', positive, quick ? 4 : 5),
    },
    outbox: {
      lagRate: 100,
      lagSeconds: quick ? 5 : 20,
      outageRate: 50,
      outageSeconds: get('outage', positive, quick ? 10 : 60),
    },
    timers: {
      sizes: get('timer-sizes', list, quick ? [200] : [1000]),
      rate: get('timer-rate', nonNegative, 20),
      workers: get('workers', list, [1]),
    },
    floors: !given.has('no-floors'),
    resident: {
      size: Math.round(get('resident-size', positive, quick ? 1000 : 10000)),
      runs: Math.round(get('resident-runs', positive, 1)),
      idleSeconds: quick ? 5 : 10,
      settledSeconds: quick ? 20 : 30,
      startupRuns: quick ? 1 : 3,
    },
    suite: { full: !quick, fullRuns: Math.round(get('suite-runs', positive, quick ? 1 : 2)) },
    scheduleRate: get('schedule-rate', positive, 25),
    temporalStore: get('temporal-store', store, 'memory'),
    temporalConfig: Object.fromEntries(temporalConfig.map((v) => configAssignment(v))),
    outDir: path.resolve(root, given.get('out') ?? 'bench/results'),
    keep: given.has('keep') || given.has('profile'),
    profile: given.has('profile'),
    serviceDist: path.resolve(root, given.get('service-dist') ?? 'dist'),
    serviceEnv: Object.fromEntries(serviceEnv.map((v) => envAssignment('--service-env', v))),
    compareEnv: Object.fromEntries(compareEnv.map((v) => envAssignment('--compare-env', v))),
  };
}
