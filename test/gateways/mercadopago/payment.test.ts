/** Mercado Pago's payment, as `GET /v1/payments/{id}` answers it, read as our event. */
import { normalizePhone } from '../../../src/domain/phone';
import { mercadopagoPixPayment } from '../../../src/gateways/mercadopago/fixtures';
import { paymentSchema, paymentToEvent } from '../../../src/gateways/mercadopago/payment';

function read(overrides: Record<string, unknown>) {
  const parsed = paymentSchema.safeParse(mercadopagoPixPayment('5466310457', overrides));
  if (!parsed.success) throw parsed.error;
  return paymentToEvent('5466310457', parsed.data);
}

describe('every documented status and status_detail maps onto ours', () => {
  test.each([
    ['pending', 'pending_waiting_transfer', 'waiting'],
    ['pending', 'pending_waiting_payment', 'waiting'],
    ['approved', 'accredited', 'paid'],
    ['approved', 'partially_refunded', 'paid'],
    ['authorized', 'pending_capture', 'other'],
    ['in_process', 'pending_review_manual', 'other'],
    ['in_mediation', null, 'other'],
    ['rejected', 'cc_rejected_other_reason', 'refused'],
    ['cancelled', 'expired', 'cancelled'],
    ['cancelled', 'by_collector', 'cancelled'],
    ['refunded', 'refunded', 'refunded'],
    ['charged_back', 'settled', 'chargedback'],
    ['something_new', null, 'other'],
  ])('%s / %s → %s', (status, detail, ours) => {
    const event = read({ status, status_detail: detail });
    expect(event.status).toBe(ours);
    expect(event.rawStatus).toBe(detail ? `${status}/${detail}` : status);
  });
});

describe('PIX is told by payment_method_id, other methods by payment_type_id', () => {
  test.each([
    ['pix', 'bank_transfer', 'pix'],
    ['visa', 'credit_card', 'credit_card'],
    ['maestro', 'debit_card', 'debit_card'],
    ['bolbradesco', 'ticket', 'boleto'],
    ['account_money', 'account_money', 'other'],
  ])('%s (%s) → %s', (methodId, typeId, ours) => {
    const event = read({ payment_method_id: methodId, payment_type_id: typeId });
    expect(event.method).toBe(ours);
    expect(event.rawMethod).toBe(methodId);
  });
});

describe('transaction_amount is reais', () => {
  test.each([
    [100, 10_000],
    [10.5, 1_050],
    [49.9, 4_990],
    [42.23, 4_223],
    [0.07, 7],
    [null, null],
  ])('%s reais → %s centavos', (reais, centavos) => {
    expect(read({ transaction_amount: reais }).amountCentavos).toBe(centavos);
  });

  test('a negative amount or one sent as text is not a payment we can read', () => {
    const base = mercadopagoPixPayment('1');
    expect(paymentSchema.safeParse({ ...base, transaction_amount: -1 }).success).toBe(false);
    expect(paymentSchema.safeParse({ ...base, transaction_amount: '49.90' }).success).toBe(false);
  });
});

describe('the phone comes split into area_code and number', () => {
  test.each([
    [{ area_code: '21', number: '987654321' }, '+5521987654321'],
    [{ area_code: '11', number: '98765-4321' }, '+5511987654321'],
    [{ area_code: '', number: '987654321' }, null],
    [{ area_code: '21', number: '33334444' }, null],
    [{ area_code: '21', number: '' }, null],
  ])('%j → %s', (phone, e164) => {
    const event = read({ payer: { phone } });
    const normalized = normalizePhone(event.customer.phone);
    expect(normalized.ok ? normalized.e164 : null).toBe(e164);
  });

  test('additional_info.payer.phone serves when payer has none; none at all is null', () => {
    const fromInfo = read({
      payer: { email: 'a@example.com' },
      additional_info: {
        payer: { first_name: 'Ana', phone: { area_code: '11', number: '912345678' } },
      },
    });
    expect(fromInfo.customer).toEqual({
      name: 'Ana',
      email: 'a@example.com',
      phone: '11912345678',
    });
    expect(read({ payer: null }).customer).toEqual({ name: null, email: null, phone: null });
  });
});

test('the documented PIX answer gives the link, the copy-and-paste code and the times', () => {
  const event = read({});
  expect(event).toMatchObject({
    gateway: 'mercadopago',
    paymentId: '5466310457',
    status: 'waiting',
    method: 'pix',
    amountCentavos: 4990,
    customer: { name: 'Maria Silva', email: 'maria@example.com', phone: '21987654321' },
    checkoutUrl: expect.stringMatching(/^https:\/\/www\.mercadopago\.com\.br\/payments\//),
    pixCode: expect.stringMatching(/^000201/),
    createdAt: '2026-11-29T00:30:00.000Z',
  });
});

test('an answer without a status is not a payment', () => {
  const { status: _status, ...rest } = mercadopagoPixPayment('1');
  expect(paymentSchema.safeParse(rest).success).toBe(false);
});
