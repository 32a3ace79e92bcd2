import type { TribopayApiConfig } from '../config';

/**
 * Each gateway's own settings, as the configuration schema reads them. A gateway whose
 * webhook secret is missing has its webhooks refused (unless WEBHOOK_AUTH=off).
 */
export interface GatewaySettings {
  /** WEBHOOK_SECRET: the token TriboPay's and GhostPay's webhooks present. */
  webhookSecret?: string;
  /** null while TRIBOPAY_API_TOKEN is unset: TriboPay's webhooks alone decide. */
  tribopayApi: TribopayApiConfig | null;
  stripe: {
    /** STRIPE_WEBHOOK_SECRET split on commas: during a rotation either secret signs. */
    webhookSecrets: readonly string[];
  };
  pagarme: {
    /** PAGARME_WEBHOOK_JWKS_URL: where Pagar.me's signing keys are published. */
    jwksUrl?: string;
    /**
     * PAGARME_ACCOUNT_ID: the seller's accounts. Pagar.me signs every account's webhooks
     * with the same keys, so without this list any Pagar.me customer could point their
     * webhooks at us; unset, Pagar.me's webhooks are refused.
     */
    accountIds?: readonly string[];
  };
  mercadopago: { webhookSecret?: string; accessToken?: string; apiUrl: string };
  asaas: { webhookToken?: string; apiKey?: string; apiUrl: string };
}

/** Nothing configured: every gateway's webhooks refused, no API asked. */
export const NO_GATEWAY_SETTINGS: GatewaySettings = Object.freeze({
  tribopayApi: null,
  stripe: { webhookSecrets: [] },
  pagarme: {},
  mercadopago: { apiUrl: 'https://api.mercadopago.com' },
  asaas: { apiUrl: 'https://api.asaas.com/v3' },
});
