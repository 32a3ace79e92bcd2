import { FIXTURE_MOBILE, FIXTURE_NOW, type Sale } from '../fixtures';

/** A PIX code as Pagar.me returns it in `last_transaction.qr_code` (its CRC16 verifies). */
export const PAGARME_PIX_CODE =
  '00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25520400005303986540549.905802BR5912Loja Exemplo6009SAO PAULO62070503***63044BFB';

const iso = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;

/** The charge's status for an order's, and the transaction's (vendor code; docs/gateways.md). */
const TRANSACTION_STATUS: Readonly<Record<string, string>> = {
  pending: 'waiting_payment',
  paid: 'paid',
  canceled: 'canceled',
  failed: 'failed',
};

/** The buyer as Pagar.me stores one: phones split into country, area and number. */
function customerOf(sale: Sale) {
  const digits = sale.phone ?? FIXTURE_MOBILE;
  return {
    id: 'cus_Kq1d4m2H8sXaBz7Y',
    name: sale.name ?? 'Maria Silva',
    email: 'maria@example.com',
    document: '09006068709',
    type: 'individual',
    phones: {
      mobile_phone: { country_code: '55', area_code: digits.slice(0, 2), number: digits.slice(2) },
    },
  };
}

function pixCharge(orderId: string, sale: Sale, at: Date) {
  const status = sale.status ?? 'pending';
  return {
    id: `ch_${orderId.replace(/^or_/, '')}`,
    code: '1303624',
    amount: 4990,
    status,
    currency: 'BRL',
    payment_method: sale.method ?? 'pix',
    created_at: iso(at),
    updated_at: iso(new Date(at.getTime() + 5_000)),
    ...(status === 'paid' ? { paid_at: iso(new Date(at.getTime() + 5_000)) } : {}),
    last_transaction: {
      id: 'tran_KAM46zKTLHka1bqX',
      transaction_type: sale.method ?? 'pix',
      qr_code: PAGARME_PIX_CODE,
      qr_code_url:
        'https://api.pagar.me/core/v5/transactions/tran_KAM46zKTLHka1bqX/qrcode?payment_method=pix',
      expires_at: iso(new Date(at.getTime() + 3_600_000)),
      amount: 4990,
      status: TRANSACTION_STATUS[status] ?? status,
    },
  };
}

const EVENT_OF: Readonly<Record<string, string>> = {
  pending: 'created',
  paid: 'paid',
  canceled: 'canceled',
  failed: 'payment_failed',
};

/** The account of the documentation's examples, which the fixtures' webhooks come from. */
export const PAGARME_FIXTURE_ACCOUNT = 'acc_jZkdN857et650oNv';

/** An `order.*` webhook: `data` is the order with its PIX charge (`sale.status`: the order's). */
export function pagarmeOrderEvent(orderId: string, sale: Sale = {}, at = FIXTURE_NOW) {
  const status = sale.status ?? 'pending';
  return {
    id: `hook_${orderId.replace(/^or_/, '')}`,
    account: { id: PAGARME_FIXTURE_ACCOUNT, name: 'Lojinha' },
    type: `order.${EVENT_OF[status] ?? 'updated'}`,
    created_at: iso(new Date(at.getTime() + 5_000)),
    data: {
      id: orderId,
      code: '1303724',
      amount: 4990,
      currency: 'BRL',
      closed: true,
      status,
      customer: customerOf(sale),
      created_at: iso(at),
      updated_at: iso(new Date(at.getTime() + 5_000)),
      charges: [pixCharge(orderId, sale, at)],
    },
  };
}

/** A `charge.*` webhook: `data` is the charge, naming its order (`sale.status`: the charge's). */
export function pagarmeChargeEvent(orderId: string, sale: Sale = {}, at = FIXTURE_NOW) {
  const status = sale.status ?? 'pending';
  return {
    id: `hook_ch_${orderId.replace(/^or_/, '')}`,
    account: { id: PAGARME_FIXTURE_ACCOUNT, name: 'Lojinha' },
    type: `charge.${EVENT_OF[status] ?? 'updated'}`,
    created_at: iso(new Date(at.getTime() + 5_000)),
    data: {
      ...pixCharge(orderId, sale, at),
      customer: customerOf(sale),
      order: { id: orderId, code: '1303724', amount: 4990, status, closed: true },
    },
  };
}
