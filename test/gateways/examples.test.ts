import { GHOSTPAY_EXAMPLES, TRIBOPAY_EXAMPLES } from '../../src/gateways/examples';
import { parseDelivery } from '../../src/gateways';
import { ghostpay, tribopayFlat, tribopayPostback } from '../http/webhook-payloads';

// The OpenAPI document's webhook examples are the suite's fixtures, with a fixed id and time.
const fixedTimes = <T extends object>(body: T, times: Partial<T>): T => ({ ...body, ...times });

describe('the documented webhook examples', () => {
  test('are the TriboPay postback and flat fixtures, with a fixed id and time', () => {
    const [postback, flat] = TRIBOPAY_EXAMPLES;

    expect(postback).toEqual(
      fixedTimes(tribopayPostback('tp-1001'), { created_at: postback.created_at }),
    );
    expect(flat).toEqual(
      fixedTimes(tribopayFlat('tp-1001'), {
        created_at: flat.created_at,
        updated_at: (flat as { updated_at: string }).updated_at,
      }),
    );
  });

  test('are the GhostPay fixture, with a fixed id and time', () => {
    const [example] = GHOSTPAY_EXAMPLES;

    expect(example).toEqual(fixedTimes(ghostpay('gp-1001'), { createdAt: example.createdAt }));
  });

  test.each([
    ...TRIBOPAY_EXAMPLES.map((body) => ['tribopay', body] as const),
    ...GHOSTPAY_EXAMPLES.map((body) => ['ghostpay', body] as const),
  ])('%s: each is a valid delivery of a waiting PIX payment', (gateway, body) => {
    const parsed = parseDelivery(gateway, body);

    expect(parsed).toMatchObject({ ok: true, event: { method: 'pix', status: 'waiting' } });
  });
});
