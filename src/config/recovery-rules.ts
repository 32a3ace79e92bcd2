import { z } from 'zod';
import type { QuietHours } from '../../workflows/quiet-hours';
import { parseDuration } from './duration';
import { blankToUndefined } from '../domain/formats';

/** `10m` or `10m,3h`: each step's delay after the previous step fell due. */
export const recoverySteps = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const steps = text.split(',').map((part) => parseDuration(part));
      if (steps.some((ms) => ms === null || ms <= 0) || steps.length > 5) {
        ctx.addIssue({
          code: 'custom',
          message: `expected 1 to 5 positive durations separated by commas, like 10m,3h; got "${text}"`,
        });
        return z.NEVER;
      }
      return steps as number[];
    }),
);

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minutes = (hhmm: string) => {
  const [, h, m] = CLOCK.exec(hhmm)!;
  return Number(h) * 60 + Number(m);
};

/** `22:00-09:00` (the window may cross midnight), or `off`. */
export const quietHoursWindow = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('22:00-09:00')
    .transform((text, ctx) => {
      if (/^(off|none)$/i.test(text.trim())) return null;
      const [start, end, ...rest] = text.split('-').map((part) => part.trim());
      if (
        rest.length > 0 ||
        !start ||
        !end ||
        !CLOCK.test(start) ||
        !CLOCK.test(end) ||
        start === end
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a window like 22:00-09:00, or off; got "${text}"`,
        });
        return z.NEVER;
      }
      return { startMinute: minutes(start), endMinute: minutes(end) };
    }),
);

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('America/Sao_Paulo')
    .refine(isTimeZone, { message: 'not an IANA time zone (e.g. America/Sao_Paulo)' }),
);

export const positiveCount = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce.number().int('expected a whole number').min(1).default(fallback),
  );

export const flag = z.preprocess(
  blankToUndefined,
  z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
);

export function quietHoursFrom(
  window: { startMinute: number; endMinute: number } | null,
  zone: string,
): QuietHours | null {
  return window ? { ...window, timeZone: zone } : null;
}

/** `SMS_TEMPLATE` is step 1; `SMS_TEMPLATE_2` … `SMS_TEMPLATE_5` the later steps. */
export function stepTemplatesFrom(env: {
  SMS_TEMPLATE?: string;
  SMS_TEMPLATE_2?: string;
  SMS_TEMPLATE_3?: string;
  SMS_TEMPLATE_4?: string;
  SMS_TEMPLATE_5?: string;
}): (string | undefined)[] {
  return [
    env.SMS_TEMPLATE,
    env.SMS_TEMPLATE_2,
    env.SMS_TEMPLATE_3,
    env.SMS_TEMPLATE_4,
    env.SMS_TEMPLATE_5,
  ];
}
