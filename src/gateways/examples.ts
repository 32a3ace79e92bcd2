/**
 * One delivery of each shape, for the OpenAPI document. They are the test suite's fixture
 * bodies (test/http/webhook-payloads.ts) with a fixed id and time; a test keeps the two equal.
 */
export const TRIBOPAY_EXAMPLES = [
  {
    token: 'k9i21ah8ta',
    event: 'transaction',
    status: 'waiting_payment',
    method: 'pix',
    created_at: '2026-11-28 21:30:00',
    customer: { name: 'Maria Silva', email: 'maria@example.com', phone_number: '21987654321' },
    transaction: { id: 'tp-1001', status: 'waiting_payment', amount: '4990' },
    tracking: { utm_source: 'instagram' },
  },
  {
    id: 'tp-1001',
    payment_method: 'pix',
    payment_status: 'waiting_payment',
    amount: 4990,
    created_at: '2026-11-28T21:30:00-03:00',
    updated_at: '2026-11-28T21:30:05-03:00',
    customer: { phone_number: '21987654321', name: 'Maria Silva', email: 'maria@example.com' },
  },
];

export const GHOSTPAY_EXAMPLES = [
  {
    paymentId: 'gp-1001',
    externalId: 'order-gp-1001',
    status: 'PENDING',
    paymentMethod: 'PIX',
    totalValue: 4990,
    netValue: 4700,
    customer: { name: 'Maria Silva', email: 'maria@example.com', phone: '21987654321' },
    checkoutUrl: 'https://checkout.example.com/gp-1001',
    pixCode: '00020126580014br.gov.bcb.pix0136',
    createdAt: '2026-11-28T21:30:00-03:00',
  },
];
