import { Counter, Gauge, type Registry } from 'prom-client';
import type { Gateway } from '../domain/payment-event';
import { PREFIX } from './prefix';

export const KEY_REFRESH_OUTCOMES = ['fetched', 'failed'] as const;
export type KeyRefreshOutcome = (typeof KEY_REFRESH_OUTCOMES)[number];

/**
 * What a verifier that fetches a gateway's published signing keys (Pagar.me's JWKS) tells
 * operators: each fetch and how it went, and how old the keys it verifies with are. Held
 * keys outlive failed refreshes for a while (JWKS_STALE_MAX_MS), so the age is what shows
 * the cliff coming before every webhook of that gateway turns into a 503.
 */
export interface GatewayKeyInstruments {
  refreshed(gateway: Gateway, outcome: KeyRefreshOutcome): void;
  /** Read at each scrape: milliseconds since the held keys were fetched, null while none are. */
  watchAge(gateway: Gateway, ageMs: () => number | null): void;
}

export function createGatewayKeyInstruments(registers: Registry[]): GatewayKeyInstruments {
  const ages = new Map<Gateway, () => number | null>();
  const refreshes = new Counter({
    name: `${PREFIX}gateway_key_refreshes_total`,
    help: "Fetches of a gateway's published webhook signing keys (Pagar.me's JWKS), by gateway and outcome (fetched, failed)",
    labelNames: ['gateway', 'outcome'],
    registers,
  });
  new Gauge({
    name: `${PREFIX}gateway_keys_age_seconds`,
    help: "Seconds since the signing keys a gateway's webhooks are verified with were fetched; missing until a fetch worked",
    labelNames: ['gateway'],
    registers,
    collect() {
      this.reset();
      for (const [gateway, ageMs] of ages) {
        const age = ageMs();
        if (age !== null) this.set({ gateway }, age / 1000);
      }
    },
  });
  return {
    refreshed: (gateway, outcome) => refreshes.inc({ gateway, outcome }),
    watchAge(gateway, ageMs) {
      ages.set(gateway, ageMs);
      // Both outcomes exist from the start, so increase() sees the first failure.
      for (const outcome of KEY_REFRESH_OUTCOMES) refreshes.inc({ gateway, outcome }, 0);
    },
  };
}
