/**
 * `npm run bench`: how fast the service takes webhooks, how on time the SMS goes out, what
 * waiting recoveries cost, and what the test suite costs, on this machine. Every process
 * it starts is stopped when it ends, fails or is interrupted; all traffic stays on loopback.
 * See BENCHMARKS.md for what each part measures and the latest figures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { benchIntake } from './parts/intake';
import { benchOutbox } from './parts/outbox';
import { benchResident } from './parts/resident';
import { benchSuite } from './parts/suite';
import { benchTimers } from './parts/timers';
import { installCleanup, killAllGroups } from './processes';
import { progress, RUN_STAMP } from './report';
import { dropDatabase, ROOT, scratch } from './stack';

async function run(options: BenchOptions): Promise<void> {
  const sections: string[] = [];
  if (options.parts.includes('intake')) {
    const intake = await benchIntake(options);
    sections.push(`### Webhook intake\n\n${intake.markdown}`);
  }
  if (options.parts.includes('outbox')) {
    const outbox = await benchOutbox(options);
    sections.push(`### Outbox: relay lag and a Temporal outage\n\n${outbox.markdown}`);
  }
  if (options.parts.includes('timers')) {
    const timers = await benchTimers(options);
    sections.push(`### Timer accuracy\n\n${timers.markdown}`);
  }
  if (options.parts.includes('resident')) {
    const resident = await benchResident(options);
    sections.push(`### Resident cost\n\n${resident.markdown}`);
  }
  if (options.parts.includes('suite')) {
    const suite = await benchSuite(options);
    sections.push(`### Suite cost\n\n${suite.markdown}`);
  }
  const summary = `## Results of ${RUN_STAMP}\n\n${sections.join('\n\n')}\n`;
  fs.mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `${RUN_STAMP}-summary.md`);
  fs.writeFileSync(file, summary);
  console.log(`\n${summary}`);
  progress(`done; summary in ${path.relative(ROOT, file)}`);
}

/** Stops whatever is still running and drops the bench database; the logs stay if asked. */
async function cleanUp(keepLogs: boolean): Promise<void> {
  killAllGroups();
  await dropDatabase().catch(() => undefined);
  if (keepLogs) console.error(`bench: logs kept in ${scratch}`);
  else fs.rmSync(scratch, { recursive: true, force: true });
}

function main(): void {
  let options: BenchOptions | null;
  try {
    options = parseOptions(process.argv.slice(2), ROOT);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(2);
  }
  if (!options) {
    console.log(USAGE);
    return;
  }
  const keep = options.keep;
  installCleanup(() => cleanUp(true));
  progress(`parts: ${options.parts.join(', ')}; runs: ${options.runs}; scratch: ${scratch}`);
  run(options).then(
    () => cleanUp(keep).then(() => process.exit(0)),
    (err: unknown) => {
      console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
      void cleanUp(true).finally(() => process.exit(1));
    },
  );
}

main();
