import type { Gateway } from '../domain/payment-event';
import { GATEWAY_MODULES } from '.';
import type { GatewaySettings } from './settings';

/** Where one gateway's webhooks stand under the settings this process runs with. */
export interface GatewayIntake {
  gateway: Gateway;
  displayName: string;
  /** The environment variable its webhooks are checked with. */
  setting: string;
  /** Its setting is set: its webhooks are checked and may be recorded; false: every one is refused (401). */
  accepting: boolean;
}

/**
 * Each gateway in the registry's order, from the same verifiers the routes build, so the
 * start-up summary and the banner can't say other than what the API does. (Building a
 * verifier does no I/O: Pagar.me's fetches its keys at the first webhook.)
 */
export function webhookIntake(settings: GatewaySettings): GatewayIntake[] {
  return Object.values(GATEWAY_MODULES).map(({ name, adapter, auth }) => ({
    gateway: name,
    displayName: adapter.displayName,
    setting: auth.setting,
    accepting: !('disabled' in auth.verifier(settings)),
  }));
}

/** A gateway whose webhooks are accepted but name the payment only, with no API to ask. */
export interface UnenrichedGateway {
  gateway: Gateway;
  /** The webhook's own setting, which is set (or WEBHOOK_AUTH=off). */
  setting: string;
  /** The API credential that is missing. */
  missing: string;
}

/**
 * Thin-webhook gateways (Mercado Pago, Asaas) whose webhooks are accepted while their API
 * credential is unset: each such recovery ends `ignored: enrichment failed`.
 */
export function unenrichedGateways(
  settings: GatewaySettings,
  webhookAuth: boolean,
): UnenrichedGateway[] {
  const accepting = new Set(
    webhookIntake(settings)
      .filter((g) => g.accepting || !webhookAuth)
      .map((g) => g.gateway),
  );
  return Object.values(GATEWAY_MODULES).flatMap((module) =>
    module.enricher &&
    module.enrichmentSetting &&
    accepting.has(module.name) &&
    !module.enricher(settings)
      ? [{ gateway: module.name, setting: module.auth.setting, missing: module.enrichmentSetting }]
      : [],
  );
}
