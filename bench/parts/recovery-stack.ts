/**
 * What the timer and resident parts share: a stack whose recoveries wait an hour, waiting
 * webhooks posted at a steady pace, and the worker, API and Temporal server sampled
 * together.
 */
import { waitingBody, type Payment } from '../bodies';
import { postAll, type Posted } from '../load';
import type { BenchOptions } from '../options';
import { sampleProcess, type ProcSample } from '../proc-stats';
import { sleep } from '../processes';
import { progress } from '../report';
import { startStack, type Stack } from '../stack';
import { round } from '../stats';

export const CONCURRENCY = 32;
const CHECKPOINTS = 10;
export const DELAY = '1h';
export const DELAY_MS = 3_600_000;

export type Pids = Record<'worker' | 'api' | 'temporal', number>;

export function stackFor(options: BenchOptions, label: string): Promise<Stack> {
  progress(`${label}: starting the stack`);
  return startStack({
    recoveryDelay: DELAY,
    label,
    temporalStore: options.temporalStore,
    temporalConfig: options.temporalConfig,
    profile: options.profile,
    serviceDist: options.serviceDist,
    serviceEnv: options.serviceEnv,
  });
}

export function pidsOf(stack: Stack): Pids {
  return { worker: stack.worker.pid, api: stack.api.pid, temporal: stack.temporal.pid };
}

export function sampleAll(pids: Pids): Record<keyof Pids, ProcSample> {
  return {
    worker: sampleProcess(pids.worker),
    api: sampleProcess(pids.api),
    temporal: sampleProcess(pids.temporal),
  };
}

export function each(f: (name: keyof Pids) => number): Record<string, number> {
  return { worker: round(f('worker')), api: round(f('api')), temporal: round(f('temporal')) };
}

/** Posts the waiting webhooks in tenths at `rate` per second, noting the worker's memory. */
export async function postWaiting(stack: Stack, payments: Payment[], rate: number) {
  const checkpoints: { posted: number; rssMiB: number }[] = [];
  const acks: Posted[] = [];
  for (let c = 0; c < CHECKPOINTS; c += 1) {
    const from = Math.floor((c * payments.length) / CHECKPOINTS);
    const to = Math.floor(((c + 1) * payments.length) / CHECKPOINTS);
    const bodies = payments.slice(from, to).map((p) => waitingBody(p));
    acks.push(...(await postAll(webhookUrl(stack), bodies, CONCURRENCY, headers(stack), rate)));
    checkpoints.push({
      posted: acks.length,
      rssMiB: round(sampleProcess(stack.worker.pid).rssMiB),
    });
  }
  return { acks, checkpoints };
}

export const webhookUrl = (stack: Stack) => `${stack.apiUrl}/api/webhooks/tribopay/`;
export const headers = (stack: Stack) => ({
  'content-type': 'application/json',
  'x-webhook-token': stack.webhookSecret,
});

export async function waitForTransitions(
  stack: Stack,
  transitions: string[],
  expected: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  while (Date.now() < deadline) {
    const [{ n }] = await stack
      .db('recovery_events')
      .whereIn('transition', transitions)
      .countDistinct<{ n: string }[]>({ n: 'workflow_id' });
    count = Number(n);
    if (count >= expected) return;
    await sleep(1_000);
  }
  progress(`warning: only ${count} of ${expected} recoveries reached ${transitions.join('/')}`);
}
