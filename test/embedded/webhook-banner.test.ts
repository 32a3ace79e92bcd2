import { loadConfig } from '../../src/config';
import { webhookLines } from '../../src/embedded/webhook-banner';

const API = 'http://127.0.0.1:8000';

/** The banner line of one gateway, found by its URL. */
function lineFor(lines: string[], gateway: string): string {
  const line = lines.find((l) => l.includes(`${API}/api/webhooks/${gateway}/ `));
  if (!line) throw new Error(`no line for ${gateway} in:\n${lines.join('\n')}`);
  return line;
}

describe("npm start's banner lists every gateway's webhook URL", () => {
  test('with the setting each needs, and whether this run has it', () => {
    const config = loadConfig({
      WEBHOOK_SECRET: 'banner-webhook-secret-0123',
      STRIPE_WEBHOOK_SECRET: 'whsec_banner_0123456789',
    });

    const lines = webhookLines(API, config, false);

    expect(lines[0]).toMatch(/^ {2}Webhooks {9}POST/);
    expect(lines).toHaveLength(7);
    expect(lineFor(lines, 'tribopay')).toMatch(/TriboPay .* WEBHOOK_SECRET set$/);
    expect(lineFor(lines, 'ghostpay')).toMatch(/GhostPay .* WEBHOOK_SECRET set$/);
    expect(lineFor(lines, 'stripe')).toMatch(/Stripe .* STRIPE_WEBHOOK_SECRET set$/);
    expect(lineFor(lines, 'mercadopago')).toMatch(
      /Mercado Pago .* MERCADOPAGO_WEBHOOK_SECRET not set: refused \(401\)$/,
    );
    expect(lineFor(lines, 'asaas')).toMatch(
      /Asaas .* ASAAS_WEBHOOK_TOKEN not set: refused \(401\)$/,
    );
    // Pagar.me's keys sign every account's webhooks: refused until the account is named.
    expect(lineFor(lines, 'pagarme')).toMatch(
      /Pagar\.me .* PAGARME_ACCOUNT_ID not set: refused \(401\)$/,
    );
    // Secrets are named, never shown.
    expect(lines.join('\n')).not.toMatch(/banner-webhook-secret|whsec_banner/);
  });

  test('says when the shared secret was generated for the run, and when Pagar.me was chosen', () => {
    const config = loadConfig({
      WEBHOOK_SECRET: 'generated-for-this-run-0123',
      PAGARME_ACCOUNT_ID: 'acc_jZkdN857et650oNv',
    });

    const lines = webhookLines(API, config, true);

    expect(lineFor(lines, 'tribopay')).toMatch(/WEBHOOK_SECRET generated for this run$/);
    expect(lineFor(lines, 'pagarme')).toMatch(/PAGARME_ACCOUNT_ID set$/);
    expect(lineFor(lines, 'stripe')).toMatch(/STRIPE_WEBHOOK_SECRET not set: refused \(401\)$/);
  });

  test('with WEBHOOK_AUTH=off, every URL is open', () => {
    const lines = webhookLines(API, loadConfig({ WEBHOOK_AUTH: 'off' }), false);

    expect(lines.slice(1)).toHaveLength(6);
    for (const line of lines.slice(1)) expect(line).toMatch(/ open \(WEBHOOK_AUTH=off\)$/);
  });
});
