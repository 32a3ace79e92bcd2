import type { Gateway, PaymentEvent } from '../domain/payment-event';
import type { GatewayAdapter } from './adapter';
import { clipEvent } from './clip';
import { ghostpay } from './ghostpay';
import { tribopay } from './tribopay';

export type { GatewayAdapter } from './adapter';

/** Adding a gateway: one adapter module, one line here (the type forces it), its tests. */
export const adapters: Record<Gateway, GatewayAdapter> = { tribopay, ghostpay };

export interface DeliveryIssue {
  /** Dotted path into the body (`transaction.amount`); `(root)` for the body itself. */
  path: string;
  message: string;
}

export type DeliveryResult =
  { ok: true; event: PaymentEvent } | { ok: false; issues: DeliveryIssue[] };

/** Validates one webhook body and normalises it; the issues feed the HTTP 422 answer. */
export function parseDelivery(gateway: Gateway, body: unknown): DeliveryResult {
  const adapter = adapters[gateway];
  const parsed = adapter.schema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map(({ path, message }) => ({ path: dotted(path), message })),
    };
  }
  return { ok: true, event: clipEvent(adapter.toEvent(parsed.data)) };
}

function dotted(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}
