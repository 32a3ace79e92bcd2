export type Centavos = { ok: true; value: number | null } | { ok: false; message: string };

const WHOLE = /^\d+$/;
const DECIMAL = /^-?\d+[.,]\d+$/;

/**
 * Both gateways send integer centavos (docs/gateways.md), TriboPay sometimes as a string
 * (`"4990"`). A fraction like `"49.90"` might be reais or a bug; we refuse rather than
 * guess by a factor of 100.
 */
export function parseCentavos(input: unknown): Centavos {
  if (input === undefined || input === null) return { ok: true, value: null };
  if (typeof input === 'number') return checkNumber(input);
  if (typeof input !== 'string')
    return fail('must be integer centavos (a number or a string of digits)');
  const text = input.trim();
  if (text === '') return { ok: true, value: null };
  if (WHOLE.test(text)) return checkNumber(Number(text));
  if (DECIMAL.test(text))
    return fail(`must be whole centavos, got "${text}" (amounts are centavos, not reais)`);
  if (/^-\d+$/.test(text)) return fail('must not be negative');
  return fail(`must be integer centavos, got "${text}"`);
}

function checkNumber(value: number): Centavos {
  if (!Number.isFinite(value)) return fail('must be a finite number of centavos');
  if (!Number.isInteger(value))
    return fail(`must be whole centavos, got ${value} (amounts are centavos, not reais)`);
  if (value < 0) return fail('must not be negative');
  if (!Number.isSafeInteger(value)) return fail('is too large to be an amount');
  return { ok: true, value };
}

function fail(message: string): Centavos {
  return { ok: false, message };
}
