import type { Centavos } from './amounts';

/** The largest amount in reais whose centavos are still a safe integer. */
export const MAX_REAIS = Math.floor(Number.MAX_SAFE_INTEGER / 100);

/**
 * Mercado Pago (`transaction_amount`) and Asaas (`value`) send amounts as a JSON number in
 * reais (`42.23`), not centavos (docs/gateways.md). Binary floating point holds most of
 * them inexactly (42.23 × 100 = 4223.000000000001), so the product is rounded to the
 * nearest centavo; the unit is never in doubt, since neither gateway sends centavos.
 */
export function reaisToCentavos(input: unknown): Centavos {
  if (input === undefined || input === null) return { ok: true, value: null };
  if (typeof input !== 'number' || !Number.isFinite(input))
    return { ok: false, message: 'must be an amount in reais (a number such as 42.23)' };
  if (input < 0) return { ok: false, message: 'must not be negative' };
  if (input > MAX_REAIS) return { ok: false, message: 'is too large to be an amount' };
  return { ok: true, value: Math.round(input * 100) };
}
