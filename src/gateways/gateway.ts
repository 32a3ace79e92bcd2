import type { Gateway, PaymentEvent } from '../domain/payment-event';
import type { Security } from '../http/openapi';
import type { PaymentStatusSource } from '../source-of-truth/source';
import type { GatewayAdapter } from './adapter';
import type { GatewaySettings } from './settings';
import type { Simulation } from './simulation';

/** One webhook request as the signature checks see it: the bytes exactly as they arrived. */
export interface WebhookRequest {
  rawBody: Buffer;
  /** A header's value, '' when absent (names are case-insensitive). */
  header(name: string): string;
  /** A query parameter's value, if it was given once. */
  query(name: string): string | undefined;
  /** When the request arrived, for timestamp tolerances. */
  receivedAt: Date;
}

/** A refusal's reason is answered with the 401 and logged; it never repeats a secret. */
export type AuthVerdict = { ok: true } | { ok: false; reason: string };

export interface WebhookVerifier {
  verify(request: WebhookRequest): Promise<AuthVerdict>;
}

/**
 * How one gateway proves a delivery is its own. `verifier` is built once per app, so a
 * verifier may keep state (Pagar.me's cached keys); it returns `{ disabled }` when the
 * gateway's setting is missing, and every delivery is then refused unless WEBHOOK_AUTH=off.
 */
export interface WebhookAuth {
  verifier(settings: GatewaySettings): WebhookVerifier | { disabled: string };
  /** How OpenAPI names the scheme. */
  security: Security;
  /** The 401's meaning, for OpenAPI. */
  refusal: string;
}

/**
 * Fills in what a thin webhook leaves out (Mercado Pago sends only the payment id, Asaas no
 * phone or PIX code) from the gateway's API. The recovery runs it as a retrying activity
 * before its timer, so a failing API delays the recovery instead of losing it.
 */
export interface EnrichmentHook {
  /** Whether this event needs the gateway's API before it can lead to an SMS. */
  needed(event: PaymentEvent): boolean;
  /** The event completed; throws for anything worth retrying. */
  enrich(event: PaymentEvent, settings: GatewaySettings): Promise<PaymentEvent>;
}

/** Everything the service knows about one gateway, from its folder under src/gateways/. */
export interface GatewayModule {
  name: Gateway;
  adapter: GatewayAdapter;
  auth: WebhookAuth;
  /** Deliveries for `simulate-webhook`, signed as the gateway signs them. */
  simulation: Simulation;
  /** Asked right before an SMS whether the payment still waits; none: webhooks decide. */
  statusSource?(settings: GatewaySettings): PaymentStatusSource | null;
  enrichment?: EnrichmentHook;
}
