import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { sampleMessage, validateTemplate } from '../sms/template';
import { blankToUndefined } from '../domain/formats';

const items = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** `BR` unless the operator lists more: `BR,PT` or `BR,+351`. */
export const countryList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('BR')
    .transform((text, ctx) => {
      const allowed = { countries: [] as string[], prefixes: [] as string[] };
      for (const item of items(text)) {
        if (/^\+[1-9]\d{0,3}$/.test(item)) allowed.prefixes.push(item);
        else if (isSupportedCountry(item.toUpperCase())) allowed.countries.push(item.toUpperCase());
        else
          ctx.addIssue({
            code: 'custom',
            message: `"${item}" is neither an ISO country code (BR) nor a calling-code prefix (+55)`,
          });
      }
      if (items(text).length === 0)
        ctx.addIssue({ code: 'custom', message: 'expected at least one country, e.g. BR' });
      return allowed;
    }),
);

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Host names whose https links may go into an SMS; unset: none from webhooks. */
export const hostList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('')
    .transform((text, ctx) => {
      const hosts = items(text.toLowerCase());
      for (const host of hosts.filter((h) => !HOST.test(h))) {
        ctx.addIssue({
          code: 'custom',
          message: `"${host}" is not a host name like pay.example.com (no scheme, path or port)`,
        });
      }
      return hosts;
    }),
);

/**
 * A template is rendered once at load, with and without sample values, so a typo stops the
 * process at start instead of failing the first customer's SMS or the first test message.
 */
export const smsTemplate = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .optional()
    .superRefine((template, ctx) => {
      if (template === undefined) return;
      try {
        validateTemplate(template);
        sampleMessage(template);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
);
