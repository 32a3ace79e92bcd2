/** Part of the resident part: how long a worker takes to start, and its memory then. */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchOptions } from '../options';
import { sampleProcess } from '../proc-stats';
import { progress } from '../report';
import { ROOT, type Stack } from '../stack';
import { round, spread } from '../stats';

export interface StartupResult {
  mode: 'bundle' | 'no-bundle';
  run: number;
  ms: number;
  rssMiB: number;
}

/**
 * Worker start-up, spawn to "worker polling", with `dist/workflow-bundle.js` and without it
 * (a copy of dist/ lacking the bundle, so the worker bundles the workflows with webpack).
 * Each worker polls a task queue of its own, so it takes no work from the stack's worker.
 */
export async function startupTimes(stack: Stack, options: BenchOptions): Promise<StartupResult[]> {
  const noBundle = path.join(ROOT, 'dist', '.bench-nobundle');
  fs.rmSync(noBundle, { recursive: true, force: true });
  for (const dir of ['src', 'workflows', 'activities', 'migrations']) {
    fs.cpSync(path.join(options.serviceDist, dir), path.join(noBundle, dir), { recursive: true });
  }
  const results: StartupResult[] = [];
  try {
    for (let run = 1; run <= options.resident.startupRuns; run += 1) {
      for (const mode of ['bundle', 'no-bundle'] as const) {
        const distDir = mode === 'bundle' ? options.serviceDist : noBundle;
        const began = Date.now();
        const worker = stack.spawnWorker(`startup-${mode}-${run}`, {
          distDir,
          taskQueue: `bench-startup-${mode}-${run}`,
        });
        try {
          await worker.waitFor(/worker polling/, 120_000);
          const ms = Date.now() - began;
          const rssMiB = round(sampleProcess(worker.pid).rssMiB);
          results.push({ mode, run, ms, rssMiB });
          progress(`worker start-up (${mode}) ${ms} ms, ${rssMiB} MiB`);
        } finally {
          await worker.stop();
        }
      }
    }
  } finally {
    fs.rmSync(noBundle, { recursive: true, force: true });
  }
  return results;
}

export function summariseStartup(runs: StartupResult[]) {
  return (['bundle', 'no-bundle'] as const).map((mode) => ({
    mode,
    ms: spread(runs.filter((r) => r.mode === mode).map((r) => r.ms)),
    rssMiB: spread(runs.filter((r) => r.mode === mode).map((r) => r.rssMiB)),
  }));
}
