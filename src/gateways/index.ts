import type { Gateway, PaymentEvent } from '../domain/payment-event';
import type { GatewayAdapter } from './adapter';
import { clipEvent } from './clip';
import type { GatewayModule } from './gateway';
import { asaas } from './asaas';
import { ghostpay } from './ghostpay';
import { mercadopago } from './mercadopago';
import { pagarme } from './pagarme';
import { stripe } from './stripe';
import { tribopay } from './tribopay';

export type { GatewayAdapter } from './adapter';
export type { GatewayModule } from './gateway';

/**
 * The registry: every gateway the service accepts, each a folder under src/gateways/.
 * Routes, OpenAPI, `simulate-webhook`, status checks and enrichment all read it. The keys
 * are `GATEWAYS` (src/domain/payment-event.ts, which the workflows can import without
 * pulling in this folder), so the compiler refuses a name without its module.
 */
export const GATEWAY_MODULES: Readonly<Record<Gateway, GatewayModule>> = {
  tribopay,
  ghostpay,
  mercadopago,
  asaas,
  stripe,
  pagarme,
};

export const adapters = Object.fromEntries(
  Object.entries(GATEWAY_MODULES).map(([name, module]) => [name, module.adapter]),
) as Record<Gateway, GatewayAdapter>;

export interface WebhookIssue {
  /** Dotted path into the body (`transaction.amount`); `(root)` for the body itself. */
  path: string;
  message: string;
}

export type ParsedWebhook =
  { ok: true; event: PaymentEvent } | { ok: false; issues: WebhookIssue[] };

/** Validates one webhook body and normalises it; the issues feed the HTTP 422 answer. */
export function parseWebhook(gateway: Gateway, body: unknown): ParsedWebhook {
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
