/** An Asaas charge, as webhooks and `GET /v3/payments/{id}` carry it, read as our event. */
import { chargeSchema, chargeToEvent } from '../../../src/gateways/asaas/charge';
import { asaasPixCharge } from '../../../src/gateways/asaas/fixtures';

function read(overrides: Record<string, unknown>, event: string | null = null) {
  const parsed = chargeSchema.safeParse(asaasPixCharge('pay_6egmyz6lpfxazko3', overrides));
  if (!parsed.success) throw parsed.error;
  return chargeToEvent(parsed.data, event);
}

describe('every charge status maps onto ours', () => {
  test.each([
    ['PENDING', 'waiting'],
    ['OVERDUE', 'waiting'],
    ['RECEIVED', 'paid'],
    ['CONFIRMED', 'paid'],
    ['RECEIVED_IN_CASH', 'paid'],
    ['DUNNING_RECEIVED', 'paid'],
    ['REFUNDED', 'refunded'],
    ['REFUND_REQUESTED', 'refunded'],
    ['REFUND_IN_PROGRESS', 'refunded'],
    ['CHARGEBACK_REQUESTED', 'chargedback'],
    ['CHARGEBACK_DISPUTE', 'chargedback'],
    ['AWAITING_CHARGEBACK_REVERSAL', 'chargedback'],
    ['AUTHORIZED', 'other'],
    ['AWAITING_RISK_ANALYSIS', 'other'],
    ['DUNNING_REQUESTED', 'other'],
    ['SOMETHING_NEW', 'other'],
  ])('%s → %s', (status, ours) => {
    expect(read({ status })).toMatchObject({ status: ours, rawStatus: status });
  });

  test('PAYMENT_DELETED cancels the charge, whatever its status still says', () => {
    expect(read({ status: 'PENDING' }, 'PAYMENT_DELETED')).toMatchObject({
      status: 'cancelled',
      rawStatus: 'PAYMENT_DELETED',
    });
    expect(read({ status: 'PENDING', deleted: true })).toMatchObject({ status: 'cancelled' });
    expect(read({ status: 'PENDING' }, 'PAYMENT_RESTORED').status).toBe('waiting');
  });
});

describe('billingType names the method', () => {
  test.each([
    ['PIX', 'pix'],
    ['BOLETO', 'boleto'],
    ['CREDIT_CARD', 'credit_card'],
    ['DEBIT_CARD', 'debit_card'],
    ['UNDEFINED', 'other'],
    [null, null],
  ])('%s → %s', (billingType, method) => {
    expect(read({ billingType }).method).toBe(method);
  });
});

describe('value is reais', () => {
  test.each([
    [42.23, 4_223],
    [49.9, 4_990],
    [100, 10_000],
    [0.01, 1],
    [null, null],
  ])('%s reais → %s centavos', (value, centavos) => {
    expect(read({ value }).amountCentavos).toBe(centavos);
  });

  test('a negative value or one sent as text is refused', () => {
    const charge = asaasPixCharge('pay_1');
    expect(chargeSchema.safeParse({ ...charge, value: -5 }).success).toBe(false);
    expect(chargeSchema.safeParse({ ...charge, value: '42.23' }).success).toBe(false);
  });
});

test('a charge carries no phone, name or PIX code, and no creation time we trust', () => {
  expect(read({})).toMatchObject({
    gateway: 'asaas',
    paymentId: 'pay_6egmyz6lpfxazko3',
    customer: { name: null, email: null, phone: null },
    pixCode: null,
    checkoutUrl: 'https://www.asaas.com/i/pay_6egmyz6lpfxazko3',
    createdAt: null,
  });
});

test('a charge without an id or a status is refused', () => {
  const { id: _id, ...noId } = asaasPixCharge('pay_1');
  const { status: _status, ...noStatus } = asaasPixCharge('pay_1');
  expect(chargeSchema.safeParse(noId).success).toBe(false);
  expect(chargeSchema.safeParse(noStatus).success).toBe(false);
});
