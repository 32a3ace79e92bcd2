import { fixtureBrCode } from '../fixture-codes';

/**
 * A PIX payment as `GET /v1/payments/{id}` answers it, trimmed to the documented fields
 * (docs/gateways.md), waiting for the payer; `overrides` replace top-level fields.
 */
export function mercadopagoPixPayment(
  id: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: Number.isSafeInteger(Number(id)) ? Number(id) : id,
    status: 'pending',
    status_detail: 'pending_waiting_transfer',
    payment_method_id: 'pix',
    payment_type_id: 'bank_transfer',
    transaction_amount: 49.9,
    date_created: '2026-11-28T21:30:00.000-03:00',
    date_last_updated: '2026-11-28T21:30:00.000-03:00',
    date_approved: null,
    payer: {
      first_name: 'Maria',
      last_name: 'Silva',
      email: 'maria@example.com',
      phone: { area_code: '21', number: '987654321' },
    },
    point_of_interaction: {
      type: 'PIX',
      transaction_data: {
        qr_code: fixtureBrCode(id),
        ticket_url: `https://www.mercadopago.com.br/payments/${id}/ticket?caller_id=123456`,
      },
    },
    ...overrides,
  };
}

/** The documented notification body, for the OpenAPI document (docs/gateways.md). */
export const MERCADOPAGO_EXAMPLES = [
  {
    id: 12345,
    live_mode: true,
    type: 'payment',
    date_created: '2026-11-28T21:30:00.000-03:00',
    user_id: 44444,
    api_version: 'v1',
    action: 'payment.created',
    data: { id: '5466310457' },
  },
];
