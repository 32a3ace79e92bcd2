import { z } from 'zod';
import type { Fault } from './types';

/** Faults as they arrive on the control endpoint; the programmatic API is typed instead. */
export const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('error'),
    httpStatus: z.number().int().min(400).max(599),
    code: z.number().int(),
    message: z.string().optional(),
    ms: z.number().int().min(0).max(600_000).optional(),
  }),
  z.object({ kind: z.literal('lost-response') }),
  z.object({ kind: z.literal('delay'), ms: z.number().int().min(0).max(600_000) }),
  z.object({ kind: z.literal('late-commit'), ms: z.number().int().min(0).max(600_000) }),
  z.object({ kind: z.literal('undelivered'), errorCode: z.number().int() }),
]);

export const faultRequestSchema = z.union([
  z.object({ to: z.string().min(1), fault: faultSchema }).strict(),
  z.object({ fault: faultSchema, times: z.number().int().min(1).default(1) }).strict(),
]);
export type FaultRequest = z.infer<typeof faultRequestSchema>;

/**
 * Which fault, if any, the next create call meets. Queued faults are spent one per
 * call and come first; per-number faults last until reset.
 */
export class FaultBook {
  private queue: Fault[] = [];
  private readonly byNumber = new Map<string, Fault>();

  failNext(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i += 1) this.queue.push(fault);
  }

  failForNumber(to: string, fault: Fault): void {
    this.byNumber.set(to, fault);
  }

  take(to: string): Fault | undefined {
    return this.queue.shift() ?? this.byNumber.get(to);
  }

  apply(request: FaultRequest): void {
    if ('to' in request) this.failForNumber(request.to, request.fault);
    else this.failNext(request.fault, request.times);
  }

  clear(): void {
    this.queue = [];
    this.byNumber.clear();
  }
}
