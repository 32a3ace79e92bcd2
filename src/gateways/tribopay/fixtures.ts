import { brazilClock, FIXTURE_MOBILE, FIXTURE_NOW, type Sale } from '../fixtures';

/** TriboPay's postback shape, as it sends today (docs/gateways.md). */
export function tribopayPostback(id: string, sale: Sale = {}, at = FIXTURE_NOW) {
  const status = sale.status ?? 'waiting_payment';
  return {
    token: 'k9i21ah8ta',
    event: 'transaction',
    status,
    method: sale.method ?? 'pix',
    created_at: brazilClock(at).replace('T', ' '),
    customer: {
      name: sale.name ?? 'Maria Silva',
      email: 'maria@example.com',
      phone_number: sale.phone ?? FIXTURE_MOBILE,
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
export function tribopayFlat(id: string, sale: Sale = {}, at = FIXTURE_NOW) {
  return {
    id,
    payment_method: sale.method ?? 'pix',
    payment_status: sale.status ?? 'waiting_payment',
    amount: 4990,
    created_at: `${brazilClock(at)}-03:00`,
    updated_at: `${brazilClock(at, 5_000)}-03:00`,
    customer: {
      phone_number: sale.phone ?? FIXTURE_MOBILE,
      name: sale.name ?? 'Maria Silva',
      email: 'maria@example.com',
    },
  };
}
