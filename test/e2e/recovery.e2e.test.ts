/**
 * End to end: a real `temporal server start-dev`, real PostgreSQL, the HTTP API, the worker
 * as its own process (so it can be killed), and the Twilio emulator behind the real client.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { toolPath } from '../../src/embedded/project';
import type { RunningApi } from '../../src/runtime/api';
import { paymentViewSchema, statsSchema } from '../../src/monitoring/shapes';
import type { TwilioEmulator } from '../../src/twilio-emulator';
import type { RecoveryState } from '../../workflows/definitions';
import { runCli } from '../cli/run-cli';
import { ghostpay } from '../http/webhook-payloads';
import { type TestDb, untilEventOutcome } from '../helpers/db';
import { eventually, stopProcess, type Spawned } from '../helpers/processes';
import { mobileNumbers, startE2eStack, tribopayBodyNow, type E2eStack } from '../helpers/e2e-stack';

const execFileAsync = promisify(execFile);
const DELAY_MS = 3_000;
const API_TOKEN = 'e2e-monitoring-token-0123456789';
const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';
let server: E2eStack['server'];
let testDb: TestDb;
let emulator: TwilioEmulator;
let api: RunningApi;
let worker: Spawned;
/** A fresh mobile number per use, so each test reads only its own messages. */
const newPhone = mobileNumbers(87_650_000, 7);
let startWorkerProcess: () => Promise<Spawned>;

beforeAll(async () => {
  const stack = await startE2eStack({
    TEMPORAL_TASK_QUEUE: 'e2e-recovery',
    RECOVERY_DELAY: String(DELAY_MS),
    ATTRIBUTION_WINDOW: '5s',
    API_TOKEN,
    WEBHOOK_SECRET,
  });
  ({ server, testDb, emulator, api, worker, startWorkerProcess } = stack);
}, 90_000);

afterAll(async () => {
  if (worker) await stopProcess(worker);
  await api?.close();
  await Promise.all([server?.stop(), emulator?.close(), testDb?.drop()]);
});

async function post(
  body: string,
  gateway = 'tribopay',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${api.url}/api/webhooks/${gateway}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-token': WEBHOOK_SECRET },
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
  const res = await post(tribopayBodyNow(`e2e-${Date.now()}-a`, 'waiting_payment', phone));
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

test("the recovery's activities come back with the workflow task's completion, not from a poll", async () => {
  // The server's eager activity dispatch (DEV_SERVER_DYNAMIC_CONFIG), counted by the server.
  const eagerDispatches = async () => {
    const text = await (await fetch(server.metricsUrl)).text();
    return [...text.matchAll(/^activity_eager_execution\{[^}]*\} (\d+)$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  };
  const before = await eagerDispatches();
  const phone = newPhone();
  await post(tribopayBodyNow(`e2e-${Date.now()}-eager`, 'waiting_payment', phone));
  await eventually(() => sentTo(phone).length > 0, DELAY_MS + 15_000, 'the SMS');
  await eventually(async () => (await eagerDispatches()) > before, 5_000, 'an eager dispatch');
});

test('the same webhook posted 20 times at once sends one SMS', async () => {
  const phone = newPhone();
  const body = tribopayBodyNow(`e2e-${Date.now()}-b`, 'waiting_payment', phone);
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
  expect((await post(tribopayBodyNow(id, 'paid', phone))).status).toBe(202);
  const late = await post(tribopayBodyNow(id, 'waiting_payment', phone));
  expect(late).toMatchObject({ status: 202, json: { outcome: 'ignored: payment ended' } });
  await sleep(DELAY_MS + 2_000);
  expect(sentTo(phone)).toHaveLength(0);
});

test('a worker killed during the wait sends the SMS once after it is restarted', async () => {
  const phone = newPhone();
  expect(
    (await post(tribopayBodyNow(`e2e-${Date.now()}-d`, 'waiting_payment', phone))).status,
  ).toBe(202);
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
  expect((await post(tribopayBodyNow(id, 'waiting_payment', phone))).status).toBe(202);
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
  // The result is encrypted: the operator reads it through the API's codec server, which
  // runs in this process, so the CLI must not block its event loop (no execFileSync).
  const { stdout } = await execFileAsync(toolPath('temporal'), [
    'workflow',
    'result',
    '--address',
    server.address,
    '--workflow-id',
    workflowId,
    '--output',
    'json',
    '--codec-endpoint',
    `${api.url}/codec/{namespace}`,
    '--codec-auth',
    `Bearer ${API_TOKEN}`,
  ]);
  const result = JSON.parse(stdout) as { result: { status: string } };
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
    (await post(tribopayBodyNow(ids.tribopay, 'waiting_payment', paidAfterSms.tribopay))).status,
  ).toBe(202);
  expect((await post(ghostpayBody('PENDING'), 'ghostpay')).status).toBe(202);
  expect((await post(tribopayBodyNow(ids.unpaid, 'waiting_payment', neverPaid))).status).toBe(202);
  expect((await post(tribopayBodyNow(ids.early, 'waiting_payment', paidBeforeSms))).status).toBe(
    202,
  );
  expect((await post(tribopayBodyNow(ids.early, 'paid', paidBeforeSms))).status).toBe(202);

  // Each paid as soon as Twilio has accepted its SMS, inside the 5 s attribution window.
  // (The emulator logs a message on arrival, a moment before its answer reaches the worker;
  // a payment in that moment was made before the SMS existed for the customer.)
  const payAfterSms = async (phone: string, paid: () => Promise<{ status: number }>) => {
    await eventually(
      async () => {
        const accepted: unknown = await testDb
          .db('sms_messages')
          .where({ to_e164: phone })
          .whereNotNull('sent_at')
          .first();
        return Boolean(accepted);
      },
      DELAY_MS + 15_000,
      'the SMS accepted',
    );
    expect((await paid()).status).toBe(202);
  };
  await Promise.all([
    payAfterSms(paidAfterSms.tribopay, () =>
      post(tribopayBodyNow(ids.tribopay, 'paid', paidAfterSms.tribopay)),
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

describe('a paid status wins over an SMS still being sent; closed is closed', () => {
  const temporalCli = (...args: string[]): string =>
    execFileSync(toolPath('temporal'), [...args, '--address', server.address]).toString();

  async function monitoring(path: string): Promise<unknown> {
    const res = await fetch(`${api.url}/api/webhooks/${path}`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    return res.json();
  }

  const viewOf = async (id: string) =>
    paymentViewSchema.parse(await monitoring(`payments/tribopay/${id}/`));

  /** Until the SMS activity has failed `attempts` times against Twilio's 503. */
  async function untilAttempt(workflowId: string, attempts: number): Promise<void> {
    await eventually(
      async () => {
        // The webhook is answered after the database commit; the outbox starts the workflow.
        const described = await api.client.workflow
          .getHandle(workflowId)
          .describe()
          .catch((err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return null;
            throw err;
          });
        return (described?.raw.pendingActivities?.[0]?.attempt ?? 0) >= attempts;
      },
      DELAY_MS + 30_000,
      `attempt ${attempts} of the SMS activity`,
    );
  }

  // Not `temporal workflow result`: a synchronous child process would freeze this process,
  // and the emulator in it, while the workflow waits on the emulator's answer.
  const finalOf = (workflowId: string): Promise<RecoveryState> =>
    api.client.workflow.getHandle(workflowId).result() as Promise<RecoveryState>;

  test('paid by `temporal workflow signal` during a 503 retry loop: the emulator never gets the SMS', async () => {
    const phone = newPhone();
    const id = `e2e-${Date.now()}-retry-cli`;
    const workflowId = `recovery:tribopay:${id}`;
    emulator.failForNumber(phone, { kind: 'error', httpStatus: 503, code: 20503 });
    expect((await post(tribopayBodyNow(id, 'waiting_payment', phone))).status).toBe(202);
    await untilAttempt(workflowId, 2);

    temporalCli(
      ...['workflow', 'signal', '--workflow-id', workflowId, '--name', 'paymentStatus'],
      ...['--input', '{"status":"paid"}'],
    );
    emulator.reset(); // Twilio recovers: an SMS still scheduled would go out now

    expect((await finalOf(workflowId)).status).toBe('cancelled');
    await sleep(6_000); // past the next retry's backoff
    expect(sentTo(phone)).toHaveLength(0);
    const view = await viewOf(id);
    expect(view.transitions.at(-1)).toMatchObject({
      transition: 'cancelled',
      detail: expect.objectContaining({ paymentStatus: 'paid' }),
    });
  }, 60_000);

  test('a paid webhook during the retries: no SMS', async () => {
    const phone = newPhone();
    const id = `e2e-${Date.now()}-retry-hook`;
    const workflowId = `recovery:tribopay:${id}`;
    emulator.failForNumber(phone, { kind: 'error', httpStatus: 503, code: 20503 });
    expect((await post(tribopayBodyNow(id, 'waiting_payment', phone))).status).toBe(202);
    await untilAttempt(workflowId, 2);

    expect((await post(tribopayBodyNow(id, 'paid', phone))).status).toBe(202);
    emulator.reset();

    expect((await finalOf(workflowId)).status).toBe('cancelled');
    await sleep(6_000);
    expect(sentTo(phone)).toHaveLength(0);
  }, 60_000);

  test('paid while the Twilio call hangs: at most that one SMS, and the recovery is not recovered', async () => {
    const phone = newPhone();
    const id = `e2e-${Date.now()}-hang`;
    const workflowId = `recovery:tribopay:${id}`;
    // The emulator logs the message on arrival and answers 4 s later.
    emulator.failForNumber(phone, { kind: 'delay', ms: 4_000 });
    expect((await post(tribopayBodyNow(id, 'waiting_payment', phone))).status).toBe(202);
    await eventually(() => sentTo(phone).length > 0, DELAY_MS + 15_000, 'the call to Twilio');

    expect((await post(tribopayBodyNow(id, 'paid', phone))).status).toBe(202);
    expect((await finalOf(workflowId)).status).toBe('cancelled');
    expect(sentTo(phone)).toHaveLength(1);
    const view = await viewOf(id);
    expect(view.transitions.map((t) => t.transition)).toEqual([
      'waiting',
      'sending',
      'sms_sent',
      'cancelled',
    ]);
    expect(view.transitions.at(-1)!.detail).toMatchObject({ reason: 'paid_before_sms' });
    expect(view.sms).toMatchObject([{ twilioSid: sentTo(phone)[0].sid }]);
  }, 60_000);

  test('terminated by hand: a later waiting webhook is refused by Temporal, every one after it is ignored at once; the API, payment show, stats and /metrics say so', async () => {
    const from = new Date(Date.now() - 1_000).toISOString();
    const phone = newPhone();
    const id = `e2e-${Date.now()}-terminated`;
    const workflowId = `recovery:tribopay:${id}`;
    expect((await post(tribopayBodyNow(id, 'waiting_payment', phone))).status).toBe(202);
    await eventually(
      () =>
        api.client.workflow
          .getHandle(workflowId)
          .describe()
          .then(
            () => true,
            () => false,
          ),
      10_000,
      'the outbox to start the recovery',
    );

    temporalCli('workflow', 'terminate', '--workflow-id', workflowId, '--reason', 'e2e: by hand');
    // The Web UI's summary, set at start: masked phone, amount, due time; no name.
    const description = await api.client.workflow.getHandle(workflowId).describe();
    expect(await description.staticSummary()).toMatch(
      /^tribopay · R\$ 129,90 · \+55 11 9\*+-\d{4} · SMS due \d\d\/\d\d \d\d:\d\d UTC$/,
    );

    // The database can't know yet: answered after its commit, refused by Temporal after.
    const late = await post(
      tribopayBodyNow(id, 'waiting_payment', phone).replace('12990', '12991'),
    );
    expect(late.json).toMatchObject({ outcome: 'signalled' });
    const { eventId } = late.json as { eventId: number };
    await untilEventOutcome(testDb.db, eventId, 'ignored: recovery finished');
    // The refusal wrote the final row: from now on the intake knows by itself.
    const later = await post(
      tribopayBodyNow(id, 'waiting_payment', phone).replace('12990', '12992'),
    );
    expect(later.json).toMatchObject({ outcome: 'ignored: recovery finished' });

    const view = await viewOf(id);
    expect(view.workflow.execution).toMatchObject({ status: 'terminated', closedByHand: true });
    expect(view.transitions.at(-1)).toMatchObject({
      transition: 'closed_by_hand',
      detail: { executionStatus: 'terminated' },
    });
    const shown = await runCli(['payment', 'show', 'tribopay', id], {
      DATABASE_URL: testDb.url,
      TEMPORAL_ADDRESS: server.address,
    });
    expect(shown.stdout).toMatch(/execution {3}terminated at .* closed by hand/);
    expect(shown.stdout).toMatch(/closed_by_hand/);
    await eventually(
      async () => {
        const stats = statsSchema.parse(await monitoring(`stats/?from=${from}`));
        return stats.recoveries.closedByHand?.terminated === 1;
      },
      15_000,
      'the terminated recovery in the stats',
    );
    await eventually(
      async () => {
        const text = await (await fetch(`${api.url}/metrics`)).text();
        return /pix_recovery_recoveries_closed_by_hand\{status="terminated"\} [1-9]/.test(text);
      },
      15_000,
      'the terminated recovery in /metrics',
    );
    await sleep(DELAY_MS + 1_000);
    expect(sentTo(phone)).toHaveLength(0);
    expect(await testDb.db('webhook_events').where({ payment_id: id })).toHaveLength(3);
  }, 60_000);

  test('terminated by hand after its SMS: revenue counts it not recovered rather than still open', async () => {
    const phone = newPhone();
    const id = `e2e-${Date.now()}-terminated-after-sms`;
    const workflowId = `recovery:tribopay:${id}`;
    const from = new Date().toISOString();
    expect((await post(tribopayBodyNow(id, 'waiting_payment', phone))).status).toBe(202);
    await eventually(() => sentTo(phone).length === 1, DELAY_MS + 15_000, 'the SMS');
    // Inside the 5 s attribution window: the workflow is waiting for the payment.
    temporalCli('workflow', 'terminate', '--workflow-id', workflowId, '--reason', 'e2e: by hand');

    const revenue = await eventually(
      async () => {
        const stats = statsSchema.parse(await monitoring(`stats/?from=${from}`));
        return stats.revenue.total.recoveriesAttempted === 1 ? stats.revenue.total : null;
      },
      15_000,
      'the recovery in the revenue',
    );
    expect(revenue).toMatchObject({ recovered: 0, notRecovered: 1, stillOpen: 0 });
    expect((await viewOf(id)).transitions.map((t) => t.transition)).toEqual([
      'waiting',
      'sending',
      'sms_sent',
      'closed_by_hand',
    ]);
  }, 60_000);

  test('an SMS that failed for good fails the workflow, which the failure views list; the API shows sms_failed', async () => {
    const phone = newPhone();
    const id = `e2e-${Date.now()}-failed`;
    const workflowId = `recovery:tribopay:${id}`;
    emulator.failForNumber(phone, {
      kind: 'error',
      httpStatus: 400,
      code: 21614,
      message: 'not a mobile number',
    });
    expect((await post(tribopayBodyNow(id, 'waiting_payment', phone))).status).toBe(202);

    const listed = await eventually(
      () => {
        const out = temporalCli(
          ...['workflow', 'list', '--output', 'json', '-q'],
          `ExecutionStatus='Failed' AND WorkflowId='${workflowId}'`,
        );
        return out.includes(workflowId) ? out : null;
      },
      DELAY_MS + 20_000,
      'the failed workflow in `temporal workflow list`',
    );
    expect(listed).toContain(workflowId);
    const view = await viewOf(id);
    expect(view.workflow.execution).toMatchObject({ status: 'failed', closedByHand: false });
    expect(view.workflow.state).toMatchObject({ status: 'sms_failed' });
    expect(view.transitions.at(-1)).toMatchObject({ transition: 'sms_failed' });
    const late = await post(
      tribopayBodyNow(id, 'waiting_payment', phone).replace('12990', '12991'),
    );
    expect(late.json).toMatchObject({ outcome: 'ignored: recovery finished' });
  }, 60_000);
});
