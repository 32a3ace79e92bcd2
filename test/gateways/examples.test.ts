import { z } from 'zod';
import { GATEWAY_MODULES, parseWebhook } from '../../src/gateways';

// The OpenAPI document's webhook examples are each gateway's fixtures, with a fixed id and
// time (src/gateways/<gateway>/fixtures.ts); they must be webhooks the intake accepts.
const examples = Object.values(GATEWAY_MODULES).flatMap(({ name, adapter }) => {
  const { inputExamples } = (z.globalRegistry.get(adapter.schema) ?? {}) as {
    inputExamples?: unknown[];
  };
  return (inputExamples ?? []).map((body) => [name, body] as const);
});

describe('the documented webhook examples', () => {
  test('every gateway documents at least one', () => {
    const documented = new Set(examples.map(([name]) => name));

    expect([...documented].sort()).toEqual(Object.keys(GATEWAY_MODULES).sort());
  });

  test.each(examples)(
    '%s: each is a valid webhook for a waiting PIX payment, or a thin one its recovery completes',
    (gateway, body) => {
      const parsed = parseWebhook(gateway, body);

      // A Mercado Pago notification names the payment only: its recovery asks the API.
      const expected =
        gateway === 'mercadopago'
          ? { needsEnrichment: true, method: null }
          : { method: 'pix', status: 'waiting' };
      expect(parsed).toMatchObject({ ok: true, event: expected });
    },
  );
});
