/**
 * The source-of-truth check inside real recoveries: the time-skipping server, the real
 * workflow and activities, SQLite, the Twilio emulator and the TriboPay API emulator.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import type { Gateway } from '../../src/domain/payment-event';
import { paymentHistory } from '../../src/db/payment-history';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { createPaymentStatusSources } from '../../src/source-of-truth';
import type { RecoverySettings } from '../../src/temporal/recovery-client';
import { startTribopayEmulator, type TribopayEmulator } from '../../src/gateways/tribopay/emulator';
import type { TwilioEmulator } from '../../src/twilio-emulator';
import {
  recoveryWorkflowId,
  type PaymentUpdate,
  type RecoveryState,
} from '../../workflows/definitions';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';
import { testDataConverter } from '../helpers/temporal';

const TASK_QUEUE = 'gateway-status-check-test';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PHONE = '+5511987654321';

let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let twilio: TwilioEmulator;
let tribopay: TribopayEmulator;
let testDb: TestDb;
let seq = 0;

beforeAll(async () => {
  tribopay = await startTribopayEmulator();
  const config = loadConfig({
    TRIBOPAY_API_TOKEN: tribopay.token,
    TRIBOPAY_API_URL: tribopay.url,
    TRIBOPAY_API_TIMEOUT: '300ms',
  });
  fixture = await startRecoveryFixture({
    taskQueue: TASK_QUEUE,
    database: sqliteTestDb,
    statusCheck: { paymentStatusSources: createPaymentStatusSources(config) },
  });
  ({ env, testDb, emulator: twilio } = fixture);
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
  await tribopay?.close();
});

beforeEach(() => {
  twilio.reset();
  tribopay.reset();
});

function recoveries(settings: Partial<RecoverySettings> = {}) {
  return fixture.recoveries(settings);
}

function newPaymentId(): string {
  seq += 1;
  return `sot-${Date.now()}-${seq}`;
}

const waiting: PaymentUpdate = {
  status: 'waiting',
  method: 'pix',
  phoneE164: PHONE,
  customerName: 'Maria Silva',
  amountCentavos: 4990,
};

const handle = (id: string, gateway: Gateway = 'tribopay') =>
  env.client.workflow.getHandle(recoveryWorkflowId(gateway, id));
const result = (id: string, gateway: Gateway = 'tribopay'): Promise<RecoveryState> =>
  handle(id, gateway).result();

async function transitions(id: string) {
  return (await transitionsForPayment(testDb.db, 'tribopay', id)).map((t) => ({
    transition: t.transition,
    detail: t.detail,
    at: t.occurredAt.getTime(),
  }));
}

describe('a paid webhook that never arrived', () => {
  test('TriboPay reports it paid when the SMS falls due: no SMS, the recovery ends cancelled', async () => {
    const id = newPaymentId();
    tribopay.setStatus(id, 'paid');
    await recoveries().signal('tribopay', id, waiting);
    const final = await result(id);
    expect(final).toMatchObject({
      status: 'cancelled',
      lastPaymentStatus: 'paid',
      sms: { status: 'skipped', step: 1, reason: 'gateway_reports_ended' },
    });
    expect(final.paidAt).not.toBeNull();
    expect(twilio.messages()).toHaveLength(0);
    expect(tribopay.requests()).toMatchObject([{ paymentId: id, tokenValid: true }]);
    expect((await transitions(id)).at(-1)).toMatchObject({
      transition: 'cancelled',
      detail: {
        step: 1,
        reason: 'gateway_reports_ended',
        paymentStatus: 'paid',
        rawStatus: 'paid',
      },
    });
    // Finished for good: a late waiting webhook starts nothing (the intake's "recovery finished").
    expect((await paymentHistory(testDb.db, 'tribopay', id)).recoveryFinished).toBe(true);
    expect(await recoveries().signal('tribopay', id, waiting)).toMatchObject({
      signalled: false,
    });
  });

  test('its history, with the patch marker, replays against the current workflow code', async () => {
    const id = newPaymentId();
    tribopay.setStatus(id, 'refunded');
    await recoveries().signal('tribopay', id, waiting);
    expect(await result(id)).toMatchObject({ status: 'cancelled', lastPaymentStatus: 'refunded' });
    const history = await handle(id).fetchHistory();
    const markers = history.events!.filter((e) => e.markerRecordedEventAttributes);
    const names = markers.map((e) => e.markerRecordedEventAttributes!.markerName);
    // The patch ids core writes in each patch marker's details (plain JSON, not encoded).
    const patches = markers
      .filter((e) => e.markerRecordedEventAttributes!.markerName === 'core_patch')
      .map((e) => {
        const data = e.markerRecordedEventAttributes!.details!['patch-data'].payloads![0].data!;
        return (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id;
      });
    // Its own patch, among the others a new recovery asks; transitions are local-activity
    // markers.
    expect(patches).toContain('gateway-reported-end');
    expect(patches).toContain('local-transitions');
    expect(new Set(patches).size).toBe(patches.length);
    expect(names).toContain('core_local_activity');
    await expect(
      Worker.runReplayHistory(
        { workflowsPath: require.resolve('../../workflows'), dataConverter: testDataConverter },
        history,
        recoveryWorkflowId('tribopay', id),
      ),
    ).resolves.toBeUndefined();
  });

  test('TriboPay reports it paid between two steps: recovered at once, no second SMS', async () => {
    const id = newPaymentId();
    tribopay.setStatus(id, 'waiting_payment');
    await recoveries({ steps: [10 * MINUTE, 3 * HOUR] }).signal('tribopay', id, waiting);
    await env.sleep(20 * MINUTE);
    expect(twilio.messages()).toHaveLength(1);
    tribopay.setStatus(id, 'paid');
    const final = await result(id);
    expect(final).toMatchObject({ status: 'recovered', smsSent: 1, lastPaymentStatus: 'paid' });
    expect(twilio.messages()).toHaveLength(1);
    const rows = await transitions(id);
    const secondSending = rows.filter((r) => r.transition === 'sending')[1];
    const recovered = rows.find((r) => r.transition === 'recovered')!;
    expect(rows.map((r) => r.transition)).toEqual([
      'waiting',
      'sending',
      'sms_sent',
      'waiting',
      'sending',
      'cancelled',
      'recovered',
    ]);
    // Decided when step 2 fell due, not after the 24-hour attribution window.
    expect(recovered.at - secondSending.at).toBeLessThan(MINUTE);
    expect(tribopay.requests()).toHaveLength(2);
  });
});

describe('the SMS goes out as before', () => {
  test('when TriboPay reports the payment still waiting', async () => {
    const id = newPaymentId();
    tribopay.setStatus(id, 'waiting_payment');
    await recoveries().signal('tribopay', id, waiting);
    const final = await result(id);
    expect(final).toMatchObject({ status: 'not_recovered', smsSent: 1 });
    expect(twilio.messages()).toHaveLength(1);
    expect(tribopay.requests()).toHaveLength(1);
  });

  test('when TriboPay answers HTTP 500', async () => {
    const id = newPaymentId();
    tribopay.setStatus(id, 'paid');
    tribopay.failNext({ kind: 'answer', httpStatus: 500, body: '{"message":"Server Error"}' });
    await recoveries().signal('tribopay', id, waiting);
    expect((await result(id)).sms).toMatchObject({ status: 'sent' });
    expect(twilio.messages()).toHaveLength(1);
  });

  test('when TriboPay does not answer within TRIBOPAY_API_TIMEOUT', async () => {
    const id = newPaymentId();
    tribopay.setStatus(id, 'paid');
    tribopay.failNext({ kind: 'delay', ms: 20_000 });
    await recoveries().signal('tribopay', id, waiting);
    expect((await result(id)).sms).toMatchObject({ status: 'sent' });
    expect(twilio.messages()).toHaveLength(1);
  });

  test('for a GhostPay payment, without asking TriboPay', async () => {
    const id = newPaymentId();
    tribopay.setStatus(id, 'paid');
    await recoveries().signal('ghostpay', id, waiting);
    expect((await result(id, 'ghostpay')).sms).toMatchObject({ status: 'sent' });
    expect(tribopay.requests()).toHaveLength(0);
  });
});
