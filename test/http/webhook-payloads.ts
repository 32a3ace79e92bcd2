/**
 * Webhook bodies in each gateway's dialect: the fixtures live in each gateway's folder
 * (src/gateways/<gateway>/fixtures.ts); every builder takes the payment id, so each test
 * uses payments of its own.
 */
export { FIXTURE_MOBILE as MOBILE, type Sale } from '../../src/gateways/fixtures';
export {
  tribopayFlat,
  tribopayMinimalPaid,
  tribopayPostback,
} from '../../src/gateways/tribopay/fixtures';
export { ghostpayWebhook as ghostpay } from '../../src/gateways/ghostpay/fixtures';

export const MOBILE_E164 = '+5521987654321';

let seq = 0;

/** A payment id no other test (or earlier run against the same server) uses. */
export function newPaymentId(prefix = 'pay'): string {
  seq += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq}`;
}
