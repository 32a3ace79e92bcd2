/**
 * `simulate-webhook` against a real API (the app on PostgreSQL and Temporal's time-skipping
 * server) with every gateway's secret configured: what the CLI signs with the same settings
 * is recorded, and what it signs with another secret is refused, for each gateway.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startPagarmeEmulator, type PagarmeEmulator } from '../../src/gateways/pagarme/emulator';
import { PAGARME_FIXTURE_ACCOUNT } from '../../src/gateways/pagarme/fixtures';
import { pgTestDb, type TestDb } from '../helpers/db';
import { intakeApp, serve, type TestServer } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { errorLine, runCli } from './run-cli';

const SECRETS = {
  WEBHOOK_SECRET: 'cli-signed-shared-secret-0123',
  STRIPE_WEBHOOK_SECRET: 'whsec_cli_signed_0123456789',
  MERCADOPAGO_WEBHOOK_SECRET: 'cli-signed-mercadopago-0123',
  ASAAS_WEBHOOK_TOKEN: 'cli-signed-asaas-token-0123',
};
/** The same settings with every secret replaced by one the API doesn't know. */
const WRONG_SECRETS = Object.fromEntries(
  Object.keys(SECRETS).map((name) => [
    name,
    name === 'STRIPE_WEBHOOK_SECRET' ? 'whsec_not_the_apis_0123456' : 'not-the-apis-secret-0123',
  ]),
);

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let pagarme: PagarmeEmulator;
let api: TestServer;

beforeAll(async () => {
  [env, testDb, pagarme] = await Promise.all([
    createTimeSkippingEnv(),
    pgTestDb(),
    startPagarmeEmulator(),
  ]);
  api = await serve(
    intakeApp({
      db: testDb.db,
      temporal: env.client,
      webhookSecret: SECRETS.WEBHOOK_SECRET,
      gateways: {
        stripe: { webhookSecrets: [SECRETS.STRIPE_WEBHOOK_SECRET] },
        pagarme: { jwksUrl: pagarme.jwksUrl, accountIds: [PAGARME_FIXTURE_ACCOUNT] },
        // Their enrichment is not reached here: no worker runs the recoveries.
        mercadopago: {
          webhookSecret: SECRETS.MERCADOPAGO_WEBHOOK_SECRET,
          apiUrl: 'http://127.0.0.1:9',
        },
        asaas: { webhookToken: SECRETS.ASAAS_WEBHOOK_TOKEN, apiUrl: 'http://127.0.0.1:9' },
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  await api?.close();
  await Promise.all([env?.teardown(), testDb?.drop(), pagarme?.close()]);
});

async function rowsOf(gateway: string): Promise<number> {
  const [{ n }] = await testDb.db('webhook_events').where({ gateway }).count({ n: '*' });
  return Number(n);
}

const simulate = (gateway: string, secrets: Record<string, string>) =>
  runCli(
    [
      'simulate-webhook',
      '--gateway',
      gateway,
      '--status',
      'waiting',
      '--phone',
      '(11) 98765-4321',
      '--url',
      api.url,
    ],
    secrets,
  );

describe.each(['tribopay', 'ghostpay', 'stripe', 'mercadopago', 'asaas'])(
  'simulate-webhook --gateway %s',
  (gateway) => {
    test('signed with the settings the API has, is recorded', async () => {
      const before = await rowsOf(gateway);

      const run = await simulate(gateway, SECRETS);

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^HTTP 20[02] /m);
      expect(await rowsOf(gateway)).toBe(before + 1);
    });

    test('signed with another secret, is refused (401) and nothing is stored', async () => {
      const before = await rowsOf(gateway);

      const run = await simulate(gateway, WRONG_SECRETS);

      expect(run.code).not.toBe(0);
      expect(run.stdout).toMatch(/^HTTP 401 /m);
      expect(errorLine(run)).toMatch(/401/);
      expect(await rowsOf(gateway)).toBe(before);
    });
  },
);

test('simulate-webhook --gateway pagarme refuses to post unsigned to an API that checks signatures', async () => {
  const before = pagarme.jwksRequests();

  const run = await simulate('pagarme', SECRETS);

  expect(run.code).not.toBe(0);
  expect(errorLine(run)).toMatch(/cannot sign a pagarme webhook: .*WEBHOOK_AUTH=off/);
  expect(run.stdout).not.toMatch(/^POST /m);
  expect(await rowsOf('pagarme')).toBe(0);
  expect(pagarme.jwksRequests()).toBe(before);
});
