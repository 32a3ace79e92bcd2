/**
 * Part 4, suite cost: wall time of `npm test` (build included, as CI runs it) and of the
 * workflow tests alone (test/workflows: the time-skipping server, plus the history replay).
 */
import path from 'node:path';
import type { BenchOptions } from '../options';
import { startProcess, tail } from '../processes';
import { progress, table, writeResult } from '../report';
import { ROOT, scratch } from '../stack';
import { formatSpread, round, spread } from '../stats';

/** Bounds the bench: a suite that hangs is stopped and reported, not waited on forever. */
const SUITE_TIMEOUT_MS = 12 * 60_000;

interface SuiteRun {
  name: string;
  run: number;
  seconds: number;
  exitCode: number | null;
  passed: number | null;
  failed: number | null;
}

const SUITES = [
  { name: 'npm test', command: 'npm', args: ['test', '--silent'], full: true },
  {
    name: 'workflow tests (npx jest test/workflows)',
    command: 'npx',
    args: ['jest', 'test/workflows'],
    full: false,
  },
];

export async function benchSuite(options: BenchOptions) {
  const startedAt = Date.now();
  const runs: SuiteRun[] = [];
  const suites = SUITES.filter((s) => options.suite.full || !s.full);
  const runsOf = (suite: (typeof SUITES)[number]) =>
    suite.full ? options.suite.fullRuns : options.runs;
  for (let run = 1; run <= Math.max(...suites.map(runsOf)); run += 1) {
    for (const suite of suites.filter((s) => run <= runsOf(s))) {
      progress(`suite run ${run}/${runsOf(suite)}: ${suite.name}`);
      const result = await timeSuite(suite, run);
      progress(
        `${suite.name}: ${round(result.seconds)} s, ${result.passed ?? '?'} passed, ` +
          `${result.failed ?? '?'} failed (exit ${result.exitCode})`,
      );
      runs.push(result);
    }
  }
  const summary = suites.map((suite) => {
    const at = runs.filter((r) => r.name === suite.name);
    return {
      name: suite.name,
      seconds: spread(at.map((r) => r.seconds)),
      allPassed: at.every((r) => r.exitCode === 0),
      failedTests: at.map((r) => r.failed),
    };
  });
  const file = writeResult(options, 'suite', { summary, runs }, startedAt);
  progress(`suite results: ${file}`);
  const markdown = table(
    ['suite', 'wall time s', 'every run passed'],
    summary.map((s) => [
      s.name,
      formatSpread(s.seconds, 1),
      s.allPassed ? 'yes' : `no (failed tests per run: ${s.failedTests.join(', ')})`,
    ]),
  );
  return { summary, markdown };
}

async function timeSuite(
  suite: { name: string; command: string; args: string[] },
  run: number,
): Promise<SuiteRun> {
  const began = performance.now();
  const child = startProcess(suite.command, suite.args, {
    env: { ...process.env, CI: 'true' },
    cwd: ROOT,
    logFile: path.join(scratch, `suite-${suite.command}-${run}.log`),
  });
  const timer = setTimeout(() => {
    progress(`${suite.name} ran past ${SUITE_TIMEOUT_MS / 60_000} minutes; stopping it`);
    void child.stop(5_000);
  }, SUITE_TIMEOUT_MS);
  const exitCode = await child.exited;
  clearTimeout(timer);
  const seconds = (performance.now() - began) / 1000;
  await child.stop(5_000); // jest workers or test servers left behind, if any
  const output = child.output();
  const counts = /(\d+) passed, (\d+) failed\s*$/m.exec(output);
  if (exitCode !== 0) progress(`${suite.name} failed:\n${tail(output, 30)}`);
  return {
    name: suite.name,
    run,
    seconds,
    exitCode,
    passed: counts ? Number(counts[1]) : null,
    failed: counts ? Number(counts[2]) : null,
  };
}
