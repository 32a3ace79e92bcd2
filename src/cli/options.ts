import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { GATEWAYS } from '../domain/payment-event';
import { parseCentavos } from '../gateways/amounts';
import { UsageError } from './command';

/** `util.parseArgs` (strict: unknown flags are refused), its errors turned into usage errors. */
export function parseCommandLine<T extends ParseArgsConfig>(command: string, config: T) {
  try {
    return parseArgs(config);
  } catch (err) {
    const message = (err as Error).message;
    const reason = `${message.charAt(0).toLowerCase()}${message.slice(1)}`;
    throw new UsageError(`${command}: ${reason} (see pix-recovery ${command} --help)`);
  }
}

/**
 * Option values checked like any other input at the edge: every bad flag is named at once,
 * `--amount: must be whole centavos…; --gateway: expected tribopay or ghostpay`.
 */
export function validateOptions<S extends z.ZodType>(
  command: string,
  schema: S,
  values: unknown,
): z.output<S> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`);
  throw new UsageError(`${command}: ${issues.join('; ')}`);
}

export const gatewayOption = z.enum(GATEWAYS, { error: `expected ${GATEWAYS.join(' or ')}` });

/** Centavos as the gateways send them, so `--amount 49.90` is refused rather than read as reais. */
export const centavosOption = z.string().transform((text, ctx) => {
  const amount = parseCentavos(text);
  if (amount.ok && amount.value !== null) return amount.value;
  ctx.addIssue({ code: 'custom', message: amount.ok ? 'must not be empty' : amount.message });
  return z.NEVER;
});

export const requiredText = z.string({ error: 'is required' }).trim().min(1, 'must not be empty');

/** The one-line form of any error: multi-line SDK messages would break `error: <reason>`. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
