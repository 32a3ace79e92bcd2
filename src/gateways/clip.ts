import type { PaymentEvent } from '../domain/payment-event';

/**
 * Widths every free-text field is cut to before it is stored or handed to Temporal: the
 * audit columns' own (migrations/20261129000100_audit_trail.ts), and for what goes into an
 * SMS, what an SMS can carry. A 900 KB name must cost neither memory in workflow
 * histories nor the customer's message.
 */
export const TEXT_LIMITS = {
  rawStatus: 64,
  rawMethod: 64,
  name: 256,
  email: 256,
  phone: 64,
  /** Longer than any checkout URL a gateway makes; beyond it the link is dropped, not cut. */
  link: 512,
  /** EMV caps a whole BR Code payload at 512 characters. */
  pixCode: 512,
} as const;

/** Cut to `max` UTF-16 units without leaving half of a surrogate pair at the end. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const clipOrNull = (text: string | null, max: number) => (text === null ? null : clip(text, max));

/** Links are all or nothing: a cut URL or PIX code would send the customer somewhere else. */
const wholeOrNull = (text: string | null, max: number) =>
  text !== null && text.length <= max ? text : null;

export function clipEvent(event: PaymentEvent): PaymentEvent {
  return {
    ...event,
    rawStatus: clip(event.rawStatus, TEXT_LIMITS.rawStatus),
    rawMethod: clipOrNull(event.rawMethod, TEXT_LIMITS.rawMethod),
    customer: {
      name: clipOrNull(event.customer.name, TEXT_LIMITS.name),
      email: clipOrNull(event.customer.email, TEXT_LIMITS.email),
      phone: clipOrNull(event.customer.phone, TEXT_LIMITS.phone),
    },
    checkoutUrl: wholeOrNull(event.checkoutUrl, TEXT_LIMITS.link),
    pixCode: wholeOrNull(event.pixCode, TEXT_LIMITS.pixCode),
  };
}
