/**
 * End to end: a real `temporal server start-dev`, real PostgreSQL, the HTTP API, the worker
 * as its own process (so it can be killed), and the Twilio emulator behind the real client.
 */
import { execFileSync } from 'node:child_process';
import pino from 'pino';
import { toolPath } from '../../src/embedded/project';
import { loadConfig } from '../../src/config';
import { startApi, type RunningApi } from '../../src/runtime/api';
import { statsSchema } from '../../src/monitoring/shapes';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { ghostpay } from '../http/deliveries';
import { pgTestDb, type TestDb } from '../helpers/db';
import { freePort } from '../helpers/ports';
import { eventually, spawnEntrypoint, stopProcess, type Spawned } from '../helpers/processes';
import { startTestDevServer } from '../helpers/temporal';

const DELAY_MS = 3_000;
const API_TOKEN = 'e2e-monitoring-token-0123456789';
let server: Awaited<ReturnType<typeof startTestDevServer>>;
let testDb: TestDb;
let emulator: TwilioEmulator;
let api: RunningApi;
let worker: Spawned;
let env: Record<string, string>;
let phoneSeq = 0;

function startWorkerProcess(): Promise<Spawned> {
  const spawned = spawnEntrypoint('worker', env);
  return spawned.waitFor(/worker polling/).then(() => spawned);
}

beforeAll(async () => {
  let port: number;
  [server, testDb, emulator, port] = await Promise.all([
    startTestDevServer(),
    pgTestDb(),
    startTwilioEmulator({ port: 0, statusCallbacks: true }),
    freePort(),
  ]);
  env = {
    DATABASE_URL: testDb.url,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'e2e-recovery',
    RECOVERY_DELAY: String(DELAY_MS),
    ATTRIBUTION_WINDOW: '5s',
    QUIET_HOURS: 'off', // these tests run at any hour; quiet hours have their own tests
    TWILIO_ACCOUNT_SID: emulator.accountSid,
    TWILIO_AUTH_TOKEN: emulator.authToken,
    TWILIO_PHONE_NUMBER: '+15005550006',
    TWILIO_API_URL: emulator.url,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    API_TOKEN,
    LOG_LEVEL: 'info',
  };
  api = await startApi(loadConfig(env), testDb.db, pino({ level: 'silent' }), '127.0.0.1');
  worker = await startWorkerProcess();
}, 90_000);

afterAll(async () => {
  if (worker) await stopProcess(worker);
  await api?.close();
  await Promise.all([server?.stop(), emulator?.close(), testDb?.drop()]);
});

/** A fresh mobile number per test, so each test reads only its own messages. */
function newPhone(): string {
  phoneSeq += 1;
  return `+55119${String(87650000 + phoneSeq * 7 + (process.pid % 1000)).padStart(8, '0')}`;
}

function tribopayBody(id: string, status: string, phone: string): string {
  return JSON.stringify({
    token: 'k9i21ah8ta',
    event: 'transaction',
    status,
    method: 'pix',
    created_at: new Date().toISOString(),
    customer: { name: 'Ana Souza', phone_number: phone.replace('+55', '') },
    transaction: { id, amount: '12990', status },
  });
}

async function post(
  body: string,
  gateway = 'tribopay',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${api.url}/api/webhooks/${gateway}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const sentTo = (phone: string) => emulator.messages().filter((m) => m.to === phone);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('the worker reports the encoding and segment count of each template when it starts', () => {
  expect(worker.output()).toMatch(
    /SMS template of step 1: GSM-7, \d segment\(s\) with sample values/,
  );
});

test('a waiting PIX webhook leads to one SMS at the emulator after the delay', async () => {
  const phone = newPhone();
  const posted = Date.now();
  const res = await post(tribopayBody(`e2e-${Date.now()}-a`, 'waiting_payment', phone));
  expect(res).toMatchObject({ status: 202, json: { outcome: 'scheduled' } });
  const [message] = await eventually(
    () => (sentTo(phone).length > 0 ? sentTo(phone) : null),
    DELAY_MS + 15_000,
    'the SMS',
  );
  expect(message.receivedAt.getTime() - posted).toBeGreaterThanOrEqual(DELAY_MS - 1_000);
  expect(message.body).toContain('R$ 129,90');
  await sleep(1_000);
  expect(sentTo(phone)).toHaveLength(1);
});

test('the same delivery posted 20 times at once sends one SMS', async () => {
  const phone = newPhone();
  const body = tribopayBody(`e2e-${Date.now()}-b`, 'waiting_payment', phone);
  const responses = await Promise.all(Array.from({ length: 20 }, () => post(body)));
  expect(responses.every((r) => r.status === 200 || r.status === 202)).toBe(true);
  await eventually(() => sentTo(phone).length > 0, DELAY_MS + 15_000, 'the SMS');
  await sleep(1_500);
  expect(sentTo(phone)).toHaveLength(1);
  const rows = await testDb
    .db('webhook_events')
    .where({ customer_phone: phone.replace('+55', '') });
  expect(rows).toHaveLength(1);
});

test('a paid status that arrives before its waiting status means no SMS', async () => {
  const phone = newPhone();
  const id = `e2e-${Date.now()}-c`;
  expect((await post(tribopayBody(id, 'paid', phone))).status).toBe(202);
  const late = await post(tribopayBody(id, 'waiting_payment', phone));
  expect(late).toMatchObject({ status: 202, json: { outcome: 'ignored: payment ended' } });
  await sleep(DELAY_MS + 2_000);
  expect(sentTo(phone)).toHaveLength(0);
});

test('a worker killed during the wait sends the SMS once after it is restarted', async () => {
  const phone = newPhone();
  expect((await post(tribopayBody(`e2e-${Date.now()}-d`, 'waiting_payment', phone))).status).toBe(
    202,
  );
  await stopProcess(worker, 'SIGKILL');
  await sleep(DELAY_MS + 1_000);
  expect(sentTo(phone)).toHaveLength(0);
  worker = await startWorkerProcess();
  await eventually(() => sentTo(phone).length > 0, 30_000, 'the SMS after the restart');
  await sleep(1_500);
  expect(sentTo(phone)).toHaveLength(1);
}, 60_000);

test('an operator ends a recovery with the temporal CLI by signalling the paid status', async () => {
  const phone = newPhone();
  const id = `e2e-${Date.now()}-e`;
  expect((await post(tribopayBody(id, 'waiting_payment', phone))).status).toBe(202);
  const workflowId = `recovery:tribopay:${id}`;
  execFileSync(toolPath('temporal'), [
    'workflow',
    'signal',
    '--address',
    server.address,
    '--workflow-id',
    workflowId,
    '--name',
    'paymentStatus',
    '--input',
    '{"status":"paid"}',
  ]);
  const result = JSON.parse(
    execFileSync(toolPath('temporal'), [
      'workflow',
      'result',
      '--address',
      server.address,
      '--workflow-id',
      workflowId,
      '--output',
      'json',
    ]).toString(),
  ) as { result: { status: string } };
  expect(result.result.status).toBe('cancelled');
  await sleep(DELAY_MS);
  expect(sentTo(phone)).toHaveLength(0);
});

test('the stats endpoint reports what recovery earned, per gateway, from the real flow', async () => {
  const from = new Date().toISOString();
  const paidAfterSms = { tribopay: newPhone(), ghostpay: newPhone() };
  const neverPaid = newPhone();
  const paidBeforeSms = newPhone();
  const ids = {
    tribopay: `e2e-${Date.now()}-rev-t`,
    ghostpay: `e2e-${Date.now()}-rev-g`,
    unpaid: `e2e-${Date.now()}-rev-u`,
    early: `e2e-${Date.now()}-rev-e`,
  };
  const ghostpayBody = (status: string) =>
    JSON.stringify({
      ...ghostpay(ids.ghostpay, { status, phone: paidAfterSms.ghostpay.replace('+55', '') }),
      totalValue: 2500,
    });

  expect(
    (await post(tribopayBody(ids.tribopay, 'waiting_payment', paidAfterSms.tribopay))).status,
  ).toBe(202);
  expect((await post(ghostpayBody('PENDING'), 'ghostpay')).status).toBe(202);
  expect((await post(tribopayBody(ids.unpaid, 'waiting_payment', neverPaid))).status).toBe(202);
  expect((await post(tribopayBody(ids.early, 'waiting_payment', paidBeforeSms))).status).toBe(202);
  expect((await post(tribopayBody(ids.early, 'paid', paidBeforeSms))).status).toBe(202);

  // Each paid as soon as its SMS is out, inside the 5 s attribution window.
  const payAfterSms = async (phone: string, paid: () => Promise<{ status: number }>) => {
    await eventually(() => sentTo(phone).length > 0, DELAY_MS + 15_000, 'the SMS');
    expect((await paid()).status).toBe(202);
  };
  await Promise.all([
    payAfterSms(paidAfterSms.tribopay, () =>
      post(tribopayBody(ids.tribopay, 'paid', paidAfterSms.tribopay)),
    ),
    payAfterSms(paidAfterSms.ghostpay, () => post(ghostpayBody('APPROVED'), 'ghostpay')),
  ]);

  const stats = await eventually(
    async () => {
      const res = await fetch(`${api.url}/api/webhooks/stats/?from=${from}`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      const parsed = statsSchema.parse(await res.json());
      const { total } = parsed.revenue;
      // Both paid recoveries recorded, the unpaid one's window closed, every SMS delivered.
      return total.recovered === 2 && total.notRecovered === 1 && total.smsDelivered === 3
        ? parsed
        : null;
    },
    20_000,
    'the recovered revenue in the stats',
  );

  expect(sentTo(paidBeforeSms)).toHaveLength(0);
  expect(stats.revenue.byGateway.tribopay).toMatchObject({
    pixChargesSeen: 3,
    recoveriesAttempted: 2,
    smsDelivered: 2,
    recovered: 1,
    notRecovered: 1,
    stillOpen: 0,
    recoveryRate: 0.5,
    recoveredCentavos: 12990,
    recoveredAmount: 'R$ 129,90',
  });
  expect(stats.revenue.byGateway.ghostpay).toMatchObject({
    pixChargesSeen: 1,
    recoveriesAttempted: 1,
    smsDelivered: 1,
    recovered: 1,
    recoveryRate: 1,
    recoveredCentavos: 2500,
    recoveredAmount: 'R$ 25,00',
  });
  expect(stats.revenue.total).toMatchObject({
    pixChargesSeen: 4,
    recoveriesAttempted: 3,
    recovered: 2,
    recoveredCentavos: 15490,
    recoveredAmount: 'R$ 154,90',
  });
  // Each payment came in inside the 5 s window after its SMS.
  expect(stats.revenue.total.medianMsToPay).toBeGreaterThan(0);
  expect(stats.revenue.total.medianMsToPay).toBeLessThan(5_000);
}, 60_000);
