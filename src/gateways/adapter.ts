import type { z } from 'zod';
import type { Gateway, PaymentEvent } from '../domain/payment-event';

/** One gateway's webhook dialect: how to validate a webhook and what it means. */
export interface GatewayAdapter {
  gateway: Gateway;
  /** How customers and operators know the gateway (`{gateway}` in the SMS template). */
  displayName: string;
  schema: z.ZodType;
  /** `body` must be the output of `schema`; `parseWebhook` guarantees that. */
  toEvent(body: unknown): PaymentEvent;
}

/**
 * Lets each adapter write `toEvent` against its schema's parsed type; the one unchecked
 * cast lives here, behind the contract that `toEvent` only sees `schema` output.
 */
export function defineAdapter<S extends z.ZodType>(adapter: {
  gateway: Gateway;
  displayName: string;
  schema: S;
  toEvent(body: z.output<S>): PaymentEvent;
}): GatewayAdapter {
  return { ...adapter, toEvent: (body) => adapter.toEvent(body as z.output<S>) };
}
