/**
 * Thin webhooks completed by the enrichment activity inside real recoveries: the
 * time-skipping server, the real workflow and activities, SQLite, the Twilio emulator and
 * the Mercado Pago and Asaas API emulators.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { bareEvent, type Gateway } from '../../src/domain/payment-event';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { insertWebhookEvent } from '../../src/db/webhook-events';
import { enrichAsaasCharge } from '../../src/gateways/asaas/api';
import { startAsaasEmulator, type AsaasEmulator } from '../../src/gateways/asaas/emulator';
import { asaasCustomer, asaasPixCharge } from '../../src/gateways/asaas/fixtures';
import {
  createMercadopagoStatusSource,
  fetchMercadopagoPayment,
} from '../../src/gateways/mercadopago/api';
import {
  startMercadopagoEmulator,
  type MercadopagoEmulator,
} from '../../src/gateways/mercadopago/emulator';
import { mercadopagoPixPayment } from '../../src/gateways/mercadopago/fixtures';
import { unbundledWorkflows } from '../../src/temporal/worker';
import type { TwilioEmulator } from '../../src/twilio-emulator';
import { recoveryWorkflowId, type RecoveryState } from '../../workflows/definitions';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';
import { testDataConverter } from '../helpers/temporal';

const TASK_QUEUE = 'enrichment-test';
const MINUTE = 60_000;

let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let twilio: TwilioEmulator;
let mercadopago: MercadopagoEmulator;
let asaas: AsaasEmulator;
let testDb: TestDb;
let seq = 0;

beforeAll(async () => {
  [mercadopago, asaas] = await Promise.all([startMercadopagoEmulator(), startAsaasEmulator()]);
  // Long enough for the emulators' answers on a loaded machine, shorter than the delays
  // the tests inject to make a call time out (1 s and more).
  const mpApi = { url: mercadopago.url, accessToken: mercadopago.accessToken, timeoutMs: 750 };
  const asaasApi = { url: asaas.url, apiKey: asaas.apiKey, timeoutMs: 750 };
  fixture = await startRecoveryFixture({
    taskQueue: TASK_QUEUE,
    database: sqliteTestDb,
    statusCheck: {
      paymentEnrichers: {
        mercadopago: (id) => fetchMercadopagoPayment(mpApi, id),
        asaas: (id) => enrichAsaasCharge(asaasApi, id),
      },
      paymentStatusSources: { mercadopago: createMercadopagoStatusSource(mpApi) },
    },
  });
  ({ env, testDb, emulator: twilio } = fixture);
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
  await Promise.all([mercadopago?.close(), asaas?.close()]);
});

beforeEach(() => {
  twilio.reset();
  mercadopago.reset();
  asaas.reset();
});

const recoveries = () => fixture.recoveries();

function newPaymentId(): string {
  seq += 1;
  return String(Date.now() * 100 + seq);
}

/** A thin webhook as the intake stores and signals it: a row, and an update naming it. */
async function receiveThin(gateway: Gateway, paymentId: string, rawStatus = 'payment.created') {
  const event = { ...bareEvent(gateway, paymentId, 'other', rawStatus), needsEnrichment: true };
  const { row } = await insertWebhookEvent(
    testDb.db,
    {
      event,
      phoneE164: null,
      phoneError: null,
      rawBody: JSON.stringify({ type: 'payment', data: { id: paymentId }, rawStatus }),
      contentType: 'application/json',
      dedupKey: `${gateway}:${paymentId}:${rawStatus}:${seq}`,
      receivedAt: new Date(),
    },
    { outcome: 'scheduled', workflowId: recoveryWorkflowId(gateway, paymentId) },
  );
  await recoveries().signal(gateway, paymentId, thinUpdate(gateway, row.id, rawStatus));
  return row.id;
}

/** The signal the relay sends for the stored thin webhook `rowId` (again, when it repeats). */
function thinUpdate(gateway: Gateway, rowId: number, rawStatus = 'payment.created') {
  return {
    status: 'other' as const,
    rawStatus,
    eventId: `${gateway}:${rowId}`,
    enrich: true,
    webhookEventId: rowId,
  };
}

const handle = (gateway: Gateway, id: string) =>
  env.client.workflow.getHandle(recoveryWorkflowId(gateway, id));
const result = (gateway: Gateway, id: string): Promise<RecoveryState> =>
  handle(gateway, id).result();

/** How many enrichPayment activities the Mercado Pago recovery `id` scheduled. */
async function enrichmentsScheduled(id: string): Promise<number> {
  const history = await handle('mercadopago', id).fetchHistory();
  return history.events!.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'enrichPayment',
  ).length;
}

async function webhookRow(id: number) {
  return testDb.db('webhook_events').where({ id }).first<Record<string, unknown>>();
}

async function transitions(gateway: Gateway, id: string) {
  return (await transitionsForPayment(testDb.db, gateway, id)).map((t) => ({
    transition: t.transition,
    detail: t.detail,
  }));
}

/**
 * Without a creation time the delay runs from the webhook, on the workflow's clock (the
 * time-skipping server's is days ahead of ours by the end of the file).
 */
function mpPayment(id: string, overrides: Record<string, unknown> = {}) {
  return mercadopagoPixPayment(id, { date_created: null, ...overrides });
}

describe('a Mercado Pago notification names the payment only', () => {
  test('the payment read from the API gets one SMS after the delay, and the row its answer', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id));
    const rowId = await receiveThin('mercadopago', id);
    const final = await result('mercadopago', id);
    expect(final).toMatchObject({ status: 'not_recovered', smsSent: 1 });
    const [sms] = twilio.messages();
    expect(twilio.messages()).toHaveLength(1);
    expect(sms.to).toBe('+5521987654321');
    expect(sms.body).toContain('R$ 49,90');
    expect(await webhookRow(rowId)).toMatchObject({
      payment_status: 'waiting',
      raw_status: 'pending/pending_waiting_transfer',
      payment_method: 'pix',
      phone_e164: '+5521987654321',
      outcome: 'scheduled',
    });
    // Asked once to enrich, once more right before the SMS (the source of truth).
    expect(mercadopago.requests()).toHaveLength(2);
  });

  test('an API failing (5xx, timeout, 404, dropped) and then recovering gives one SMS', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id));
    mercadopago.failNext({ kind: 'answer', httpStatus: 503, body: 'unavailable' }, 2);
    mercadopago.failNext({ kind: 'delay', ms: 2_000 });
    mercadopago.failNext({ kind: 'answer', httpStatus: 404, body: '{"message":"not found"}' });
    mercadopago.failNext({ kind: 'drop' });
    await receiveThin('mercadopago', id);
    expect(await result('mercadopago', id)).toMatchObject({ smsSent: 1 });
    expect(twilio.messages()).toHaveLength(1);
    expect(mercadopago.requests().length).toBeGreaterThanOrEqual(7);
  });

  test('no phone in the answer ends the recovery `ignored: no phone`, without an SMS', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id, { payer: { email: 'maria@example.com' } }));
    const rowId = await receiveThin('mercadopago', id);
    expect(await result('mercadopago', id)).toMatchObject({ status: 'skipped', smsSent: 0 });
    expect(twilio.messages()).toHaveLength(0);
    expect(await transitions('mercadopago', id)).toEqual([
      { transition: 'skipped', detail: { outcome: 'ignored: no phone', reason: 'missing' } },
    ]);
    expect(await webhookRow(rowId)).toMatchObject({
      outcome: 'ignored: no phone',
      phone_error: 'missing',
      payment_status: 'waiting',
    });
  });

  test('a card payment ends the recovery `ignored: not pix`', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(
      id,
      mpPayment(id, { payment_method_id: 'visa', payment_type_id: 'credit_card' }),
    );
    const rowId = await receiveThin('mercadopago', id);
    expect(await result('mercadopago', id)).toMatchObject({ status: 'skipped' });
    expect((await webhookRow(rowId))?.outcome).toBe('ignored: not pix');
    expect(twilio.messages()).toHaveLength(0);
  });

  test('a payment the API already reports approved ends cancelled, and ends the sale', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id, { status: 'approved', status_detail: 'accredited' }));
    const rowId = await receiveThin('mercadopago', id, 'payment.updated');
    expect(await result('mercadopago', id)).toMatchObject({
      status: 'cancelled',
      lastPaymentStatus: 'paid',
    });
    expect((await webhookRow(rowId))?.payment_status).toBe('paid');
    expect(twilio.messages()).toHaveLength(0);
  });

  test('a later notification whose payment reads approved ends the wait, with no SMS', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id));
    await receiveThin('mercadopago', id);
    await env.sleep(5 * MINUTE);
    mercadopago.setPayment(id, mpPayment(id, { status: 'approved', status_detail: 'accredited' }));
    await receiveThin('mercadopago', id, 'payment.updated');
    expect(await result('mercadopago', id)).toMatchObject({ status: 'cancelled', sms: null });
    expect(twilio.messages()).toHaveLength(0);
  });

  test('paid at the API with no notification: the check before the SMS stops it', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id));
    await receiveThin('mercadopago', id);
    await env.sleep(5 * MINUTE);
    mercadopago.setPayment(id, mpPayment(id, { status: 'approved', status_detail: 'accredited' }));
    expect(await result('mercadopago', id)).toMatchObject({
      status: 'cancelled',
      sms: { status: 'skipped', reason: 'gateway_reports_ended' },
    });
    expect(twilio.messages()).toHaveLength(0);
  });

  test('an API that never answers ends the recovery `ignored: enrichment failed` after an hour', async () => {
    const id = newPaymentId();
    await receiveThin('mercadopago', id);
    const final = await result('mercadopago', id);
    expect(final).toMatchObject({ status: 'skipped', smsSent: 0 });
    const [ending] = await transitions('mercadopago', id);
    expect(ending).toMatchObject({
      transition: 'skipped',
      detail: { outcome: 'ignored: enrichment failed', reason: expect.stringMatching(/404/) },
    });
  });

  test('a thin webhook handed off again after its enrichment is not enriched again', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id));
    const rowId = await receiveThin('mercadopago', id);
    // The relay's sweep hands the same stored webhook off again once the first was applied.
    while ((await handle('mercadopago', id).query<RecoveryState>('state')).updatesApplied < 1)
      await env.sleep(1_000);
    await recoveries().signal('mercadopago', id, thinUpdate('mercadopago', rowId));

    expect(await result('mercadopago', id)).toMatchObject({ smsSent: 1, updatesApplied: 1 });
    expect(await enrichmentsScheduled(id)).toBe(1);
    // Asked once to enrich, once more right before the SMS (the source of truth).
    expect(mercadopago.requests()).toHaveLength(2);
    expect(twilio.messages()).toHaveLength(1);
  });

  test('a thin webhook handed off twice at once is enriched once', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id));
    // The first enrichment is still waiting for the API when the repeat arrives.
    mercadopago.failNext({ kind: 'delay', ms: 1_000 });
    const rowId = await receiveThin('mercadopago', id);
    await recoveries().signal('mercadopago', id, thinUpdate('mercadopago', rowId));

    expect(await result('mercadopago', id)).toMatchObject({ smsSent: 1, updatesApplied: 1 });
    expect(await enrichmentsScheduled(id)).toBe(1);
    expect(twilio.messages()).toHaveLength(1);
  });

  test('its history, with the enrichment patch marker, replays against the current code', async () => {
    const id = newPaymentId();
    mercadopago.setPayment(id, mpPayment(id));
    await receiveThin('mercadopago', id);
    await result('mercadopago', id);
    const history = await handle('mercadopago', id).fetchHistory();
    const markers = history.events!.flatMap((e) =>
      e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes.markerName] : [],
    );
    expect(markers).toContain('core_patch');
    await expect(
      Worker.runReplayHistory(
        { ...unbundledWorkflows(), dataConverter: testDataConverter },
        history,
        recoveryWorkflowId('mercadopago', id),
      ),
    ).resolves.toBeUndefined();
  });
});

describe('an Asaas charge comes without phone or PIX code', () => {
  test('its customer’s mobile gets one SMS with the charge’s copy-and-paste code', async () => {
    const id = `pay_${newPaymentId()}`;
    asaas.setCharge({ ...asaasPixCharge(id), id });
    asaas.setCustomer({ ...asaasCustomer(`cus_${id}`), id: `cus_${id}` });
    await receiveThin('asaas', id, 'PENDING');
    expect(await result('asaas', id)).toMatchObject({ smsSent: 1 });
    const [sms] = twilio.messages();
    expect(sms.to).toBe('+5521987654321');
    expect(sms.body).toContain('000201');
    expect(asaas.requests().map((r) => r.path)).toEqual([
      `/v3/payments/${id}`,
      `/v3/customers/cus_${id}`,
      `/v3/payments/${id}/pixQrCode`,
    ]);
  });

  test('a customer with only a landline ends `ignored: no phone`', async () => {
    const id = `pay_${newPaymentId()}`;
    asaas.setCharge({ ...asaasPixCharge(id), id });
    asaas.setCustomer({ ...asaasCustomer(`cus_${id}`, { mobilePhone: '' }), id: `cus_${id}` });
    const rowId = await receiveThin('asaas', id, 'PENDING');
    expect(await result('asaas', id)).toMatchObject({ status: 'skipped' });
    expect(await webhookRow(rowId)).toMatchObject({
      outcome: 'ignored: no phone',
      phone_error: 'not_mobile',
    });
    expect(twilio.messages()).toHaveLength(0);
  });
});
