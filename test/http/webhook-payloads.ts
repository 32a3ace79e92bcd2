/**
 * Webhook bodies in each gateway's dialect (docs/gateways.md). Every builder takes the payment
 * id, so each test uses payments of its own.
 */

export const MOBILE = '21987654321';
export const MOBILE_E164 = '+5521987654321';

/**
 * The charge was created just now, in Brazil time (UTC−03:00), so a recovery started from
 * these bodies is always still waiting, whatever day the suite runs.
 */
const brazilNow = new Date(Date.now() - 3 * 3_600_000).toISOString().slice(0, 19);
const CREATED_LOCAL = brazilNow.replace('T', ' ');
const CREATED_ISO = `${brazilNow}-03:00`;
const UPDATED_ISO = `${new Date(Date.now() - 3 * 3_600_000 + 5_000).toISOString().slice(0, 19)}-03:00`;

let seq = 0;

/** A payment id no other test (or earlier run against the same server) uses. */
export function newPaymentId(prefix = 'pay'): string {
  seq += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq}`;
}

export interface Sale {
  status?: string;
  method?: string;
  phone?: string;
  name?: string;
}

/** TriboPay's postback shape, as it sends today. */
export function tribopayPostback(id: string, sale: Sale = {}) {
  const status = sale.status ?? 'waiting_payment';
  return {
    token: 'k9i21ah8ta',
    event: 'transaction',
    status,
    method: sale.method ?? 'pix',
    created_at: CREATED_LOCAL,
    customer: {
      name: sale.name ?? 'Maria Silva',
      email: 'maria@example.com',
      phone_number: sale.phone ?? MOBILE,
    },
    transaction: { id, status, amount: '4990' },
    tracking: { utm_source: 'instagram' },
  };
}

/** TriboPay's minimal paid postback: no method, no customer. */
export function tribopayMinimalPaid(id: string) {
  return {
    token: 'k9i21ah8ta',
    event: 'transaction',
    status: 'paid',
    transaction: { id, status: 'paid', amount: '4990' },
  };
}

/** TriboPay's older flat shape (the original system's README). */
export function tribopayFlat(id: string, sale: Sale = {}) {
  return {
    id,
    payment_method: sale.method ?? 'pix',
    payment_status: sale.status ?? 'waiting_payment',
    amount: 4990,
    created_at: CREATED_ISO,
    updated_at: UPDATED_ISO,
    customer: {
      phone_number: sale.phone ?? MOBILE,
      name: sale.name ?? 'Maria Silva',
      email: 'maria@example.com',
    },
  };
}

export function ghostpay(id: string, sale: Sale = {}) {
  return {
    paymentId: id,
    externalId: `order-${id}`,
    status: sale.status ?? 'PENDING',
    paymentMethod: sale.method ?? 'PIX',
    totalValue: 4990,
    netValue: 4700,
    customer: {
      name: sale.name ?? 'Maria Silva',
      email: 'maria@example.com',
      phone: sale.phone ?? MOBILE,
    },
    checkoutUrl: `https://checkout.example.com/${id}`,
    pixCode: '00020126580014br.gov.bcb.pix0136',
    createdAt: CREATED_ISO,
  };
}
