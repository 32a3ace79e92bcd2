import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { warnIfEnrichmentUnconfigured } from '../../src/runtime/gateway-warnings';

/** The warnings a start with `env` logs, as parsed log lines. */
function warningsFor(env: NodeJS.ProcessEnv): { level: number; msg: string; missing: string }[] {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  warnIfEnrichmentUnconfigured(loadConfig(env), logger);
  return lines.map((line) => JSON.parse(line) as { level: number; msg: string; missing: string });
}

const MP_SECRET = 'mercadopago-webhook-secret-0123';
const ASAAS_TOKEN = 'asaas-webhook-token-0123456789';

describe('a thin-webhook gateway accepted without its API credential', () => {
  test.each([
    ['Mercado Pago', { MERCADOPAGO_WEBHOOK_SECRET: MP_SECRET }, 'MERCADOPAGO_ACCESS_TOKEN'],
    ['Asaas', { ASAAS_WEBHOOK_TOKEN: ASAAS_TOKEN }, 'ASAAS_API_KEY'],
  ])(
    '%s is warned about at start, naming the missing setting and the outcome',
    (_, env, missing) => {
      const warnings = warningsFor(env);

      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 40, missing });
      expect(warnings[0].msg).toContain(`but ${missing} is not`);
      expect(warnings[0].msg).toContain('ignored: enrichment failed');
      expect(JSON.stringify(warnings)).not.toMatch(
        /mercadopago-webhook-secret|asaas-webhook-token/,
      );
    },
  );

  test('with WEBHOOK_AUTH=off both are warned about, since every webhook is accepted', () => {
    const missing = warningsFor({ WEBHOOK_AUTH: 'off' }).map((w) => w.missing);

    expect(missing.sort()).toEqual(['ASAAS_API_KEY', 'MERCADOPAGO_ACCESS_TOKEN']);
  });

  test('nothing is said when the credentials are set, or when the webhooks are refused anyway', () => {
    expect(
      warningsFor({
        MERCADOPAGO_WEBHOOK_SECRET: MP_SECRET,
        MERCADOPAGO_ACCESS_TOKEN: 'APP_USR-mercadopago-token',
        ASAAS_WEBHOOK_TOKEN: ASAAS_TOKEN,
        ASAAS_API_KEY: '$aact_asaas-api-key',
      }),
    ).toEqual([]);
    // Neither webhook secret set: their webhooks are refused (401), nothing gets to enrichment.
    expect(warningsFor({ WEBHOOK_SECRET: 'shared-webhook-secret-0123' })).toEqual([]);
  });
});
