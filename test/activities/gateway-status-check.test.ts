/**
 * The SMS activity's source-of-truth check, called directly: SQLite, the Twilio emulator
 * through the real sender, and the TriboPay emulator through the real status client.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createActivities, type SendSmsInput } from '../../activities';
import { loadConfig } from '../../src/config';
import type { Gateway, PaymentEvent } from '../../src/domain/payment-event';
import { smsForPayment } from '../../src/db/sms-messages';
import { insertWebhookEvent } from '../../src/db/webhook-events';
import { createMetrics, type Metrics } from '../../src/metrics/metrics';
import { DEFAULT_TEMPLATE } from '../../src/sms/template';
import { createPaymentStatusSources } from '../../src/source-of-truth';
import { startTribopayEmulator, type TribopayEmulator } from '../../src/gateways/tribopay/emulator';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { emulatorSender } from '../helpers/recovery-worker';
import { sampleValue } from '../metrics/prometheus-text';

const PHONE = '+5511987654321';
const TIMEOUT_MS = 300;

let twilio: TwilioEmulator;
let tribopay: TribopayEmulator;
let testDb: TestDb;
let metrics: Metrics;
let logLines: string[];
let seq = 0;

beforeAll(async () => {
  [twilio, tribopay, testDb] = await Promise.all([
    startTwilioEmulator(),
    startTribopayEmulator(),
    sqliteTestDb(),
  ]);
});
afterAll(() => Promise.all([twilio?.close(), tribopay?.close(), testDb?.drop()]));
beforeEach(() => {
  twilio.reset();
  tribopay.reset();
  metrics = createMetrics();
  logLines = [];
});

/** The activity as the worker builds it, from the environment the worker would read. */
function sendRecoverySms(env: NodeJS.ProcessEnv = withToken()) {
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  return createActivities({
    db: testDb.db,
    logger,
    template: DEFAULT_TEMPLATE,
    sms: emulatorSender(twilio),
    metrics,
    paymentStatusSources: createPaymentStatusSources(loadConfig(env)),
  }).sendRecoverySms;
}

function withToken(token = tribopay.token): NodeJS.ProcessEnv {
  return {
    TRIBOPAY_API_TOKEN: token,
    TRIBOPAY_API_URL: tribopay.url,
    TRIBOPAY_API_TIMEOUT: `${TIMEOUT_MS}ms`,
  };
}

function step(gateway: Gateway = 'tribopay'): SendSmsInput {
  seq += 1;
  const paymentId = `check-${Date.now()}-${seq}`;
  return {
    workflowId: `recovery:${gateway}:${paymentId}`,
    gateway,
    paymentId,
    step: 1,
    to: PHONE,
    customerName: 'Maria Silva',
    amountCentavos: 4990,
    checkoutUrl: null,
    pixCode: null,
    dueAt: new Date().toISOString(),
  };
}

const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
const checks = async (result: string) =>
  sampleValue(await metrics.registry.metrics(), 'pix_recovery_gateway_status_checks_total', {
    gateway: 'tribopay',
    result,
  });

describe('TriboPay says the payment ended', () => {
  test.each(['paid', 'authorized', 'refunded', 'canceled', 'chargedback', 'refused'])(
    '%s: no SMS, the step is skipped with the reason and the status recorded',
    async (rawStatus) => {
      const input = step();
      tribopay.setStatus(input.paymentId, rawStatus);
      const result = await sendRecoverySms()(input);
      expect(result).toMatchObject({
        outcome: 'skipped',
        reason: 'gateway_reports_ended',
        rawStatus,
      });
      expect(twilio.messages()).toHaveLength(0);
      const [row] = await smsForPayment(testDb.db, 'tribopay', input.paymentId);
      expect(row).toMatchObject({ status: 'cancelled', twilioSid: null });
      expect(row.errorMessage).toBe(`the gateway's API reports the payment ended (${rawStatus})`);
      expect(await checks('ended')).toBe(1);
    },
  );

  test('the normalised status travels with the skip, for the workflow', async () => {
    const input = step();
    tribopay.setStatus(input.paymentId, 'authorized');
    await expect(sendRecoverySms()(input)).resolves.toEqual({
      outcome: 'skipped',
      reason: 'gateway_reports_ended',
      paymentStatus: 'paid',
      rawStatus: 'authorized',
    });
  });
});

test('TriboPay says the payment is still waiting: the SMS goes out', async () => {
  const input = step();
  tribopay.setStatus(input.paymentId, 'waiting_payment');
  await expect(sendRecoverySms()(input)).resolves.toMatchObject({ outcome: 'sent' });
  expect(twilio.messages()).toHaveLength(1);
  expect(tribopay.requests()).toMatchObject([{ paymentId: input.paymentId, tokenValid: true }]);
  expect(await checks('waiting')).toBe(1);
});

describe('no clear answer from TriboPay: the webhooks decide, the SMS goes out, a warning is logged', () => {
  const cases: [string, string, (input: SendSmsInput) => void][] = [
    [
      'HTTP 503',
      'http_error',
      () => tribopay.failNext({ kind: 'answer', httpStatus: 503, body: 'upstream down' }),
    ],
    ['a timeout', 'timeout', () => tribopay.failNext({ kind: 'delay', ms: 10_000 })],
    [
      'a body that is not JSON',
      'bad_response',
      () => tribopay.failNext({ kind: 'answer', httpStatus: 200, body: '<html>' }),
    ],
    ['a payment TriboPay does not know', 'not_found', () => undefined],
    ['a dropped connection', 'unreachable', () => tribopay.failNext({ kind: 'drop' })],
  ];

  test.each(cases)('%s', async (_what, failure, arrange) => {
    const input = step();
    arrange(input);
    const started = Date.now();
    await expect(sendRecoverySms()(input)).resolves.toMatchObject({ outcome: 'sent' });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
    expect(twilio.messages()).toHaveLength(1);
    const warning = logged().find((line) => line.failure === failure);
    expect(warning).toMatchObject({
      level: 40,
      msg: 'gateway status check failed; going by the webhooks',
      gateway: 'tribopay',
      paymentId: input.paymentId,
      to: '+55 11 9****-4321',
    });
    expect(await checks(failure)).toBe(1);
  });

  test('a refused token is logged as an error, and neither token nor phone reaches the log', async () => {
    const input = step();
    const wrong = 'wrong-token-for-tribopay-0123456789';
    tribopay.setStatus(input.paymentId, 'paid');
    await expect(sendRecoverySms(withToken(wrong))(input)).resolves.toMatchObject({
      outcome: 'sent',
    });
    expect(logged()).toContainEqual(
      expect.objectContaining({ level: 50, failure: 'unauthorized' }),
    );
    const text = logLines.join('');
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(tribopay.token);
    expect(text).not.toContain(PHONE);
  });

  test('a status TriboPay never documented (antifraud) is logged and does not stop the SMS', async () => {
    const input = step();
    tribopay.setStatus(input.paymentId, 'antifraud');
    await expect(sendRecoverySms()(input)).resolves.toMatchObject({ outcome: 'sent' });
    expect(logged()).toContainEqual(expect.objectContaining({ level: 40, rawStatus: 'antifraud' }));
    expect(await checks('unknown_status')).toBe(1);
  });
});

describe('when TriboPay is not asked', () => {
  test('a paid webhook already received decides first', async () => {
    const input = step();
    tribopay.setStatus(input.paymentId, 'waiting_payment');
    await insertWebhookEvent(testDb.db, paidWebhook(input.paymentId));
    await expect(sendRecoverySms()(input)).resolves.toMatchObject({
      outcome: 'skipped',
      reason: 'payment_ended',
    });
    expect(tribopay.requests()).toHaveLength(0);
  });

  test('a GhostPay payment: only TriboPay has a source', async () => {
    const input = step('ghostpay');
    tribopay.setStatus(input.paymentId, 'paid');
    await expect(sendRecoverySms()(input)).resolves.toMatchObject({ outcome: 'sent' });
    expect(tribopay.requests()).toHaveLength(0);
  });

  test('TRIBOPAY_API_TOKEN unset: off, even with the URL configured', async () => {
    const input = step();
    tribopay.setStatus(input.paymentId, 'paid');
    const { TRIBOPAY_API_TOKEN: _token, ...withoutToken } = withToken();
    await expect(sendRecoverySms(withoutToken)(input)).resolves.toMatchObject({
      outcome: 'sent',
    });
    expect(tribopay.requests()).toHaveLength(0);
  });

  test('a retry after Twilio accepted the message: it is not sent again, nor checked', async () => {
    const input = step();
    tribopay.setStatus(input.paymentId, 'waiting_payment');
    const send = sendRecoverySms();
    const first = await send(input);
    tribopay.setStatus(input.paymentId, 'paid');
    await expect(send(input)).resolves.toEqual(first);
    expect(tribopay.requests()).toHaveLength(1);
    expect(twilio.messages()).toHaveLength(1);
  });
});

test('a retry after a transient Twilio error asks again, and a payment made meanwhile stops it', async () => {
  const input = step();
  tribopay.setStatus(input.paymentId, 'waiting_payment');
  twilio.failNext({ kind: 'error', httpStatus: 503, code: 20503, message: 'unavailable' });
  const send = createCappedActivity();
  await expect(send(input)).rejects.toMatchObject({ type: 'TwilioTransientError' });
  expect(await claims(input.workflowId)).toBe(1);
  tribopay.setStatus(input.paymentId, 'paid');
  await expect(send(input)).resolves.toMatchObject({ reason: 'gateway_reports_ended' });
  expect(tribopay.requests()).toHaveLength(2);
  expect(twilio.messages()).toHaveLength(0);
  // The skipped step gives its frequency-cap slot back.
  expect(await claims(input.workflowId)).toBe(0);
});

function createCappedActivity() {
  return createActivities({
    db: testDb.db,
    logger: pino({ level: 'silent' }),
    template: DEFAULT_TEMPLATE,
    sms: emulatorSender(twilio),
    frequencyCap: { maxPerWindow: 1, windowMs: 3_600_000 },
    paymentStatusSources: createPaymentStatusSources(loadConfig(withToken())),
  }).sendRecoverySms;
}

async function claims(workflowId: string): Promise<number> {
  const rows = await testDb.db('sms_send_claims').where({ workflow_id: workflowId });
  return rows.length;
}

function paidWebhook(paymentId: string): Parameters<typeof insertWebhookEvent>[1] {
  const event: PaymentEvent = {
    gateway: 'tribopay',
    paymentId,
    method: null,
    rawMethod: null,
    status: 'paid',
    rawStatus: 'paid',
    amountCentavos: 4990,
    customer: { name: null, email: null, phone: null },
    checkoutUrl: null,
    pixCode: null,
    createdAt: null,
    updatedAt: null,
    paidAt: null,
  };
  const rawBody = JSON.stringify({ status: 'paid', transaction: { id: paymentId } });
  return {
    event,
    phoneE164: null,
    phoneError: null,
    rawBody,
    contentType: 'application/json',
    dedupKey: `paid-${paymentId}`,
    receivedAt: new Date(),
  };
}
