import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startPagarmeEmulator, type PagarmeEmulator } from '../../src/gateways/pagarme/emulator';
import { PAGARME_FIXTURE_ACCOUNT } from '../../src/gateways/pagarme/fixtures';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { emulatorSender } from '../helpers/recovery-worker';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { monitoringApp } from '../monitoring/app';

export const WEBHOOK_SECRET = 'contract-webhook-secret-0123456789';
export const MERCADOPAGO_SECRET = 'contract-mercadopago-secret-0123456789';
export const ASAAS_TOKEN = 'contract-asaas-token-0123456789';

export const STRIPE_SECRET = 'whsec_contract_0123456789abcdef';

export interface ContractStack {
  url: string;
  /** Each answer's method, path and status, in order. */
  answers: { method: string; path: string; status: number }[];
  stop(): Promise<void>;
}

/**
 * The whole API as an integrator meets it: real PostgreSQL, the time-skipping Temporal
 * server (no worker, so `state` queries give up after 200 ms), the Twilio emulator behind
 * the real twilio client, the webhook secret set, and a test-SMS limit a fuzzer can't reach.
 */
export async function startContractStack(
  options: { webhookAuth?: boolean } = {},
): Promise<ContractStack> {
  let env: TestWorkflowEnvironment | undefined;
  let testDb: TestDb | undefined;
  let emulator: TwilioEmulator | undefined;
  let pagarme: PagarmeEmulator | undefined;
  let server: TestServer | undefined;
  const answers: ContractStack['answers'] = [];
  const stop = async () => {
    await server?.close();
    await Promise.all([env?.teardown(), emulator?.close(), pagarme?.close(), testDb?.drop()]);
  };
  try {
    [env, testDb, emulator, pagarme] = await Promise.all([
      createTimeSkippingEnv(),
      pgTestDb(),
      startTwilioEmulator(),
      startPagarmeEmulator(),
    ]);
    const app = monitoringApp({
      db: testDb.db,
      temporal: env.client,
      sms: emulatorSender(emulator),
      stateTimeoutMs: 200,
      webhookSecret: WEBHOOK_SECRET,
      gateways: {
        mercadopago: { webhookSecret: MERCADOPAGO_SECRET, apiUrl: 'http://127.0.0.1:9' },
        asaas: { webhookToken: ASAAS_TOKEN, apiUrl: 'http://127.0.0.1:9' },
        stripe: { webhookSecrets: [STRIPE_SECRET] },
        pagarme: { jwksUrl: pagarme.jwksUrl, accountIds: [PAGARME_FIXTURE_ACCOUNT] },
      },
      // Off by default: the fuzzer's bodies must reach the parsers; on, they meet the checks.
      webhookAuthOff: !options.webhookAuth,
      testSmsLimit: { max: 1_000_000, windowMs: 60_000 },
    });
    // Outermost, so it sees the status the error handler settled on.
    app.middleware.unshift(async (ctx, next) => {
      try {
        await next();
      } finally {
        answers.push({ method: ctx.method, path: ctx.path, status: ctx.status });
      }
    });
    server = await serve(app);
    return { url: server.url, answers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
