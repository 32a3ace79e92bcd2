import path from 'node:path';
import { parseOptions, PARTS } from '../../bench/options';
import { ratioPerRun, variants } from '../../bench/variants';

const ROOT = '/checkout';
const parse = (...argv: string[]) => parseOptions(argv, ROOT);

test('with no arguments every part runs three times at the documented sizes', () => {
  const options = parse();
  expect(options).toMatchObject({
    parts: [...PARTS],
    quick: false,
    runs: 3,
    intake: { concurrency: [8, 32, 128], durationSeconds: 5 },
    outbox: { lagRate: 100, lagSeconds: 20, outageRate: 50, outageSeconds: 60 },
    timers: { sizes: [1000], rate: 20, workers: [1] },
    resident: { size: 10000, runs: 1 },
    temporalStore: 'memory',
    temporalConfig: {},
    outDir: path.join(ROOT, 'bench/results'),
    serviceDist: path.join(ROOT, 'dist'),
    serviceEnv: {},
    compareEnv: {},
  });
});

test('--quick shortens the Temporal outage of the outbox part; --outage sets it', () => {
  expect(parse('--quick', '--only', 'outbox')).toMatchObject({
    parts: ['outbox'],
    outbox: { lagSeconds: 5, outageSeconds: 10 },
  });
  expect(parse('--only', 'outbox', '--outage', '30')?.outbox.outageSeconds).toBe(30);
});

test('--workers lists the worker counts the timers part runs with', () => {
  expect(parse('--only', 'timers', '--workers', '1,2')?.timers.workers).toEqual([1, 2]);
  expect(() => parse('--workers', '0')).toThrow(/positive whole numbers/);
});

test('the floors run next to ours unless --no-floors leaves them out', () => {
  expect(parse('--only', 'timers,outbox')?.floors).toBe(true);
  expect(parse('--only', 'timers,outbox', '--no-floors')?.floors).toBe(false);
});

test('--help asks for the usage', () => {
  expect(parse('--help')).toBeNull();
});

test('--quick runs once at small sizes; given values still win', () => {
  expect(parse('--quick', '--only', 'timers,intake')).toMatchObject({
    parts: ['intake', 'timers'],
    runs: 1,
    intake: { concurrency: [32] },
    timers: { sizes: [200] },
  });
  expect(parse('--quick', '--runs=2', '--concurrency', '8,16')).toMatchObject({
    runs: 2,
    intake: { concurrency: [8, 16] },
  });
});

test('--temporal-config sets dev server dynamic configuration values, repeatably', () => {
  expect(
    parse(
      '--temporal-config',
      'system.enableActivityEagerExecution=false',
      '--temporal-config=limit.maxIDLength=1000',
    )?.temporalConfig,
  ).toEqual({ 'system.enableActivityEagerExecution': 'false', 'limit.maxIDLength': '1000' });
  expect(() => parse('--temporal-config', 'system.enableActivityEagerExecution')).toThrow(
    /KEY=VALUE/,
  );
});

test("--temporal-store takes each store, file-journal being npm start's store before WAL", () => {
  for (const store of ['memory', 'file', 'file-journal', 'file-wal'])
    expect(parse('--temporal-store', store)?.temporalStore).toBe(store);
});

test('--service-env sets and unsets names in the service environment, repeatably', () => {
  expect(
    parse('--service-env', 'MALLOC_ARENA_MAX=', '--service-env=LOG_LEVEL=warn')?.serviceEnv,
  ).toEqual({ MALLOC_ARENA_MAX: '', LOG_LEVEL: 'warn' });
});

test('--compare-env names a second configuration that every run also measures', () => {
  const options = parse('--compare-env', 'PAYLOAD_ENCRYPTION=off', '--service-env', 'A=1');
  expect(options).toMatchObject({
    serviceEnv: { A: '1' },
    compareEnv: { PAYLOAD_ENCRYPTION: 'off' },
  });
  expect(variants(options!).map((v) => [v.name, v.options.serviceEnv])).toEqual([
    ['as given', { A: '1' }],
    ['PAYLOAD_ENCRYPTION=off', { A: '1', PAYLOAD_ENCRYPTION: 'off' }],
  ]);
  expect(variants(parse()!).map((v) => v.name)).toEqual(['as given']);
  expect(() => parse('--compare-env', 'off')).toThrow(/--compare-env expects NAME=VALUE/);
});

test('a variant is compared with the service as given within each run', () => {
  const rows = [
    { variant: 'as given', run: 1, rps: 100 },
    { variant: 'X=1', run: 1, rps: 95 },
    { variant: 'as given', run: 2, rps: 200 },
    { variant: 'X=1', run: 2, rps: 210 },
  ];
  const ratio = ratioPerRun(
    rows,
    'X=1',
    (r) => String(r.run),
    (r) => r.rps,
  );
  expect(ratio.runs).toEqual([95, 105]);
  expect(ratio.median).toBe(100);
});

test.each([
  [['--only', 'intake,speed'], /unknown part\(s\) speed/],
  [['--concurrency', '8,0'], /--concurrency expects positive whole numbers/],
  [['--runs', 'three'], /--runs expects a positive number/],
  [['--timer-rate', '-1'], /--timer-rate expects a number, 0 or more/],
  [
    ['--temporal-store', 'redis'],
    /--temporal-store expects one of memory, file, file-journal, file-wal/,
  ],
  [['--service-env', 'arena=2'], /--service-env expects NAME=VALUE/],
  [['--fast'], /unknown option --fast/],
  [['--runs'], /--runs needs a value/],
  [['intake'], /unexpected argument "intake"/],
])('%j is refused with a clear message', (argv, message) => {
  expect(() => parse(...argv)).toThrow(message);
});
