import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolPath } from '../src/embedded/project';
import type { BenchOptions } from './options';
import { ROOT } from './stack';

const began = Date.now();
const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
/** One timestamp names every file of a bench invocation. */
export const RUN_STAMP = new Date(began).toISOString().replace(/[:.]/g, '-').replace(/Z$/, 'Z');

export function progress(message: string): void {
  const s = Math.round((Date.now() - began) / 1000);
  const stamp = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  console.log(`[bench ${stamp}] ${message}`);
}

function quiet(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string): string {
  try {
    const file = path.join(ROOT, 'node_modules', name, 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The machine, the versions and the command: what a reader needs to compare two results. */
export function environment(options: BenchOptions) {
  const cpus = os.cpus();
  return {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      /** 1-, 5- and 15-minute load averages when the bench started: others' work shows here. */
      loadAverageAtStart: loadAtStart,
    },
    versions: {
      node: process.version,
      temporalCli: quiet(toolPath('temporal'), ['--version']),
      postgres: quiet('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'show server_version']),
      ...Object.fromEntries(
        [
          '@temporalio/worker',
          '@temporalio/client',
          'koa',
          'knex',
          'pg',
          'pino',
          'autocannon',
          'typescript',
        ].map((name) => [name, packageVersion(name)]),
      ),
    },
    git: {
      commit: quiet('git', ['rev-parse', '--short', 'HEAD']),
      // Others share this working tree; a dirty tree is worth knowing about.
      dirtyFiles: quiet('git', ['status', '--porcelain']).split('\n').filter(Boolean).length,
    },
    options,
  };
}

export function writeResult(
  options: BenchOptions,
  part: string,
  data: unknown,
  startedAt: number,
): string {
  fs.mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `${RUN_STAMP}-${part}.json`);
  const body = {
    part,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date().toISOString(),
    loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    environment: environment(options),
    data,
  };
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return path.relative(ROOT, file);
}

/** A Markdown table: the bench prints these, and BENCHMARKS.md quotes them. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
