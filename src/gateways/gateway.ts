import type { Gateway } from '../domain/payment-event';
import type { Security } from '../http/openapi';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics/metrics';
import type { PaymentStatusSource } from '../source-of-truth/source';
import type { GatewayAdapter } from './adapter';
import type { PaymentEnricher } from './enrichers';
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

/**
 * A refusal's reason is answered with the 401 and logged; it never repeats a secret.
 * `unavailable`: the webhook could not be checked now (the gateway's keys are out of
 * reach), answered 503 so the gateway sends it again.
 */
export type AuthVerdict = { ok: true } | { ok: false; reason: string; unavailable?: boolean };

export interface WebhookVerifier {
  verify(request: WebhookRequest): Promise<AuthVerdict>;
}

/**
 * How one gateway proves a webhook is its own. `verifier` is built once per app, so a
 * verifier may keep state (Pagar.me's cached keys, warning on `logger` when it can't
 * refresh them and reporting them in `metrics`); it returns `{ disabled }` when the
 * gateway's setting is missing, and every webhook is then refused unless WEBHOOK_AUTH=off.
 */
export interface WebhookAuth {
  verifier(
    settings: GatewaySettings,
    deps?: { logger?: Logger; metrics?: Pick<Metrics, 'gatewayKeys'> },
  ): WebhookVerifier | { disabled: string };
  /** The environment variable its verifier reads, for the start-up summary and banner. */
  setting: string;
  /** How OpenAPI names the scheme. */
  security: Security;
  /** The 401's meaning, for OpenAPI. */
  refusal: string;
}

/** Everything the service knows about one gateway, from its folder under src/gateways/. */
export interface GatewayModule {
  name: Gateway;
  adapter: GatewayAdapter;
  auth: WebhookAuth;
  /**
   * Set when the gateway counts only 200 as received (Asaas; Mercado Pago takes 200 or
   * 201): a new webhook is answered 200 like a repeat, instead of 202, which such a
   * gateway would retry, and Asaas would pause the seller's webhook queue over.
   */
  acceptedStatus?: 200;
  /** Webhooks for `simulate-webhook`, signed as the gateway signs them. */
  simulation: Simulation;
  /** Asked right before an SMS whether the payment still waits; none: webhooks decide. */
  statusSource?(settings: GatewaySettings): PaymentStatusSource | null;
  /**
   * Fills in what a thin webhook leaves out (Mercado Pago sends only the payment id, Asaas
   * no phone or PIX code) from the gateway's API; null while its credentials are unset.
   * The adapter marks such events (`needsEnrichment`); the recovery runs this as a
   * retrying activity before its timer, so a failing API delays it instead of losing it.
   */
  enricher?(settings: GatewaySettings): PaymentEnricher | null;
  /** The API credential `enricher` needs (MERCADOPAGO_ACCESS_TOKEN), for start-up warnings. */
  enrichmentSetting?: string;
}
