import { GATEWAY_MODULES } from '../../src/gateways';
import { loadConfig } from '../../src/config';
import { gatewayStatus } from '../../src/cli/simulated-statuses';
import { parseWebhook } from '../../src/gateways';
import type { PaymentStatus } from '../../src/domain/payment-event';

const config = loadConfig({
  WEBHOOK_SECRET: 'simulated-webhook-secret',
  STRIPE_WEBHOOK_SECRET: 'whsec_simulated_0123456789',
});

// The gateways whose webhooks are whole; the thin ones (enriched from their API) have
// tests of their own.
const whole = Object.values(GATEWAY_MODULES).filter((module) => !module.enricher);

const cases = whole.flatMap(({ name, simulation }) =>
  (Object.keys(simulation.usual) as PaymentStatus[]).map((word) => [name, word] as const),
);

describe("simulate-webhook's webhooks", () => {
  test.each(cases)('%s --status %s is a webhook the API reads as that status', (gateway, word) => {
    const { simulation } = GATEWAY_MODULES[gateway];
    const status = gatewayStatus(simulation, word)!;
    const body = simulation.body({
      id: 'sim-1',
      status,
      method: simulation.method('pix'),
      amountCentavos: 5000,
      phone: '+55 11 98765-4321',
      at: new Date(),
    });

    const parsed = parseWebhook(gateway, JSON.parse(JSON.stringify(body)));

    expect(parsed).toMatchObject({
      ok: true,
      event: { status: word, amountCentavos: 5000, customer: { phone: expect.any(String) } },
    });
    // Waiting ones are PIX, or no recovery would start from them.
    if (word === 'waiting') expect(parsed.ok && parsed.event.method).toBe('pix');
  });

  test.each(whole.map((m) => [m.name, m] as const))(
    '%s: signed as the API checks it, or refused with the reason',
    async (_name, { auth, simulation }) => {
      const rawBody = JSON.stringify({ any: 'body' });
      const signed = await simulation.sign(rawBody, config, new Date());
      const verifier = auth.verifier(config);
      if ('unavailable' in signed) {
        expect(signed.unavailable).toMatch(/WEBHOOK_AUTH=off/);
        return;
      }
      if ('disabled' in verifier) throw new Error(verifier.disabled);

      const verdict = await verifier.verify({
        rawBody: Buffer.from(rawBody),
        header: (name) => signed.headers[name.toLowerCase()] ?? '',
        query: () => undefined,
        receivedAt: new Date(),
      });

      expect(verdict).toEqual({ ok: true });
    },
  );
});
