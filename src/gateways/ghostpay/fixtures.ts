import { brazilClock, FIXTURE_MOBILE, FIXTURE_NOW, type Sale } from '../fixtures';

/** GhostPay's one shape (docs/gateways.md). */
export function ghostpayWebhook(id: string, sale: Sale = {}, at = FIXTURE_NOW) {
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
      phone: sale.phone ?? FIXTURE_MOBILE,
    },
    checkoutUrl: `https://checkout.example.com/${id}`,
    pixCode: '00020126580014br.gov.bcb.pix0136',
    createdAt: `${brazilClock(at)}-03:00`,
  };
}
