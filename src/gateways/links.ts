import type { PaymentEvent, WithheldLink } from '../domain/payment-event';
import { isValidBrCode } from './br-code';
import { TEXT_LIMITS } from './clip';

/**
 * A webhook's checkout link goes into an SMS only when it is https on a host the operator
 * trusts (CHECKOUT_LINK_HOSTS), and its PIX code only when it is a BR Code whose checksum
 * holds: otherwise a forged webhook could send customers to a phishing page from the
 * seller's number. What is withheld, and why, stays on the event for the audit trail.
 */
export function withTrustedLinks(
  event: PaymentEvent,
  trustedHosts: readonly string[],
): PaymentEvent {
  const withheld: WithheldLink[] = [];
  const checkoutUrl = vet(event.checkoutUrl, (url) => linkProblem(url, trustedHosts));
  const pixCode = vet(event.pixCode, (code) =>
    isValidBrCode(code) ? null : 'not a BR Code whose CRC16 checksum verifies',
  );
  if (checkoutUrl.reason) withheld.push({ field: 'checkoutUrl', reason: checkoutUrl.reason });
  if (pixCode.reason) withheld.push({ field: 'pixCode', reason: pixCode.reason });
  return {
    ...event,
    checkoutUrl: checkoutUrl.value,
    pixCode: pixCode.value,
    ...(withheld.length > 0 ? { withheld } : {}),
  };
}

function vet(
  value: string | null,
  problem: (value: string) => string | null,
): { value: string | null; reason?: string } {
  if (value === null) return { value: null };
  const reason = problem(value.trim());
  return reason ? { value: null, reason } : { value: value.trim() };
}

function linkProblem(text: string, trustedHosts: readonly string[]): string | null {
  if (text.length > TEXT_LIMITS.link) return `longer than ${TEXT_LIMITS.link} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:') return 'not https';
  if (url.username || url.password) return 'carries credentials';
  if (trustedHosts.length === 0) return 'no CHECKOUT_LINK_HOSTS configured';
  if (!trustedHosts.includes(url.hostname))
    return `host ${url.hostname} not in CHECKOUT_LINK_HOSTS`;
  return null;
}
