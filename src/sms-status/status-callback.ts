import { z } from 'zod';
import type { StatusReport } from '../db/sms-messages';
import { blankToUndefined, MESSAGE_SID, MESSAGE_SID_HINT } from '../domain/formats';
import { isReportedSmsStatus } from '../domain/sms-status';

/**
 * The fields of Twilio's message status callback that we record. Twilio posts more
 * (AccountSid, From, To, ApiVersion, SmsSid…); they are signed too but not stored.
 * `Price`/`PriceUnit` are not in every callback, so they are taken only when present.
 */
const callbackSchema = z.object({
  MessageSid: z.string().regex(MESSAGE_SID, MESSAGE_SID_HINT),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{1,9}$/, 'expected a numeric Twilio error code')
      .optional(),
  ),
  Price: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^-?\d{1,12}(\.\d{1,12})?$/, 'expected a decimal amount')
      .optional(),
  ),
  PriceUnit: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'expected a currency code')
      .optional(),
  ),
});

export type ParsedCallback =
  | { ok: true; report: StatusReport }
  /** A status outside the SMS path we track (e.g. WhatsApp's `read`): answered, not recorded. */
  | { ok: true; report: null; status: string }
  | { ok: false; issues: { path: string; message: string }[] };

export function parseStatusCallback(params: Record<string, unknown>): ParsedCallback {
  const parsed = callbackSchema.safeParse(params);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    };
  }
  const { MessageSid, MessageStatus, ErrorCode, Price, PriceUnit } = parsed.data;
  if (!isReportedSmsStatus(MessageStatus)) return { ok: true, report: null, status: MessageStatus };
  return {
    ok: true,
    report: {
      sid: MessageSid,
      status: MessageStatus,
      errorCode: ErrorCode === undefined ? null : Number(ErrorCode),
      price: Price ?? null,
      priceUnit: PriceUnit?.toUpperCase() ?? null,
    },
  };
}
