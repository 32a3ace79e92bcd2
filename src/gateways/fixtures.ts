/**
 * What every gateway's fixtures share. The fixtures are the test suite's webhook bodies and,
 * with a fixed id and time, the OpenAPI document's examples; each gateway keeps its own in
 * its folder (`<gateway>/fixtures.ts`).
 */

/** A Brazilian mobile, as gateways send it without the country code. */
export const FIXTURE_MOBILE = '21987654321';

export interface Sale {
  status?: string;
  method?: string;
  phone?: string;
  name?: string;
}

/**
 * When the fixtures' sales happen unless told: when the module loaded, so a recovery
 * started from them is still waiting, and two bodies built for one payment are equal.
 */
export const FIXTURE_NOW = new Date();

/** The documents' examples happen at 21:30 Brazil time on 28 November 2026. */
export const EXAMPLE_TIME = new Date('2026-11-29T00:30:00Z');

/** `YYYY-MM-DDTHH:MM:SS` on Brazil's clock (UTC−03:00 all year since 2019). */
export function brazilClock(at: Date, plusMs = 0): string {
  return new Date(at.getTime() - 3 * 3_600_000 + plusMs).toISOString().slice(0, 19);
}
