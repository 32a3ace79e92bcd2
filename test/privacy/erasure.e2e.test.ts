/**
 * A customer's request to be forgotten, end to end on PostgreSQL: the recovery stack (API,
 * worker, time-skipping Temporal, Twilio emulator) with one finished and one running
 * recovery for the number, then `POST /api/webhooks/privacy/erase/`.
 */
import { Client } from '@temporalio/client';
import pino from 'pino';
import type { Db } from '../../src/db/connect';
import { phoneScrubber } from '../../src/privacy/anonymise';
import { erasePhone } from '../../src/privacy/erase';
import { parsePayloadKeys } from '../../src/temporal/payload-keys';
import { recoveryWorkflowId, stateQuery } from '../../workflows/definitions';
import {
  startRecoveryStack,
  DELAY_MS,
  type RecoveryStack,
  WEBHOOK_SECRET,
} from '../sms-status/recovery-stack';
import { serve, type TestServer } from '../helpers/http';
import { TEST_PAYLOAD_KEYS, testDataConverter } from '../helpers/temporal';
import { newPaymentId, tribopayPostback } from '../http/webhook-payloads';
import { call, monitoringApp } from '../monitoring/app';

const RUNNING = '+5511976543210';
const ERASED = '+5511954321098';
const KEPT = '+5511965432109';
let stack: RecoveryStack;
let server: TestServer;
const logged: string[] = [];
const scrub = phoneScrubber(parsePayloadKeys(TEST_PAYLOAD_KEYS));

function erase(phone: string) {
  return call(server.url, '/api/webhooks/privacy/erase/', {
    method: 'POST',
    body: { phone_number: phone },
  });
}

beforeAll(async () => {
  stack = await startRecoveryStack('erasure-e2e');
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
  // A plain client, as the API has: waiting on a result must not skip the test server's time.
  const temporal = new Client({
    connection: stack.env.connection,
    dataConverter: testDataConverter,
  });
  server = await serve(
    monitoringApp({
      db: stack.testDb.db,
      temporal: stack.env.client,
      erasePhone: (phone) => erasePhone({ db: stack.testDb.db, temporal, scrub, logger }, phone),
    }),
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  await stack?.close();
});

async function waitingPix(phone: string): Promise<string> {
  const paymentId = newPaymentId('erase');
  const reply = await fetch(`${stack.apiUrl}/api/webhooks/tribopay/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-token': WEBHOOK_SECRET },
    body: JSON.stringify(tribopayPostback(paymentId, { phone: phone.replace('+55', '') })),
  });
  expect(reply.status).toBe(202);
  await stack.handedOff();
  return paymentId;
}

/** Every column of every audit row, as text, so a number or name can't hide in one. */
async function auditText(db: Db): Promise<string> {
  const tables = ['webhook_events', 'sms_messages', 'sms_send_claims', 'recovery_events'];
  const rows = await Promise.all(tables.map((t) => db(t).select()));
  return JSON.stringify(rows);
}

const digits = (e164: string) => e164.slice(-8);

// First in the file: once a recovery has run to its end, the test server's clock is ahead
// of the API's, and a new recovery would be due at once.
test('erasing a number ends its running recovery without an SMS, recorded as a cancellation', async () => {
  const running = await waitingPix(RUNNING);
  const handle = stack.env.client.workflow.getHandle(recoveryWorkflowId('tribopay', running));
  expect((await handle.query(stateQuery)).status).toBe('waiting');

  const reply = await erase('(11) 97654-3210');

  expect(reply.status).toBe(200);
  expect(reply.json).toEqual({
    tables: {
      webhook_events: 1,
      sms_messages: 0,
      recovery_events: 0,
      sms_send_claims: 0,
      suppressed_numbers: 1,
    },
    recoveriesEnded: 1,
  });
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const history = await handle.fetchHistory();
  expect(history.events!.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
  // Past its delay, nothing went out.
  await stack.env.sleep(DELAY_MS * 2);
  expect(stack.emulator.messages().filter((m) => m.to === RUNNING)).toHaveLength(0);
  expect(await auditText(stack.testDb.db)).not.toContain(digits(RUNNING));
}, 60_000);

test('erasing a number anonymises every row about it, deletes its claims, and suppresses it', async () => {
  await stack.recover(ERASED); // an SMS went out
  await stack.recover(KEPT);
  // A frequency-cap claim, as a worker with MAX_SMS_PER_PHONE makes for each SMS.
  await stack.testDb.db('sms_send_claims').insert({
    phone_e164: ERASED,
    workflow_id: 'recovery:tribopay:claimed',
    step: 1,
    claimed_at: new Date(),
  });
  expect(await auditText(stack.testDb.db)).toContain(digits(ERASED));

  const reply = await erase(ERASED);

  expect(reply.status).toBe(200);
  expect(reply.json).toEqual({
    tables: {
      webhook_events: 1,
      sms_messages: 1,
      recovery_events: 0,
      sms_send_claims: 1,
      suppressed_numbers: 1,
    },
    recoveriesEnded: 0,
  });
  const audit = await auditText(stack.testDb.db);
  expect(audit).not.toContain(digits(ERASED));
  expect(audit).toContain(digits(KEPT)); // other customers' rows are untouched
  const suppressed = await stack.testDb.db('suppressed_numbers').where({ phone_e164: ERASED });
  expect(suppressed).toHaveLength(1);
  // The anonymised rows still count and join as one number: the same keyed hash in each table.
  const { db } = stack.testDb;
  const mine = scrub.token(ERASED);
  expect(await db('webhook_events').where({ phone_e164: mine })).toHaveLength(1);
  expect(await db('sms_messages').where({ to_e164: mine })).toHaveLength(1);
  const row = await db('webhook_events').where({ phone_e164: mine }).first();
  expect(row).toMatchObject({ raw_body: '', customer_name: null, customer_email: null });
  expect(row.customer_phone).toBe(`+55 11 9****-1098 ${mine}`);
  const sms = await db('sms_messages').where({ to_e164: mine }).first();
  expect(sms).toMatchObject({ body: '', error_message: null });

  // Audited without the number.
  expect(logged.join('\n')).toContain('personal data erased');
  expect(logged.join('\n')).not.toContain(digits(ERASED));
}, 60_000);

test("a transition written before details were masked loses the number Twilio's error named", async () => {
  const OLD = '+5511943210987';
  const { paymentId } = await stack.recover(OLD);
  const workflowId = recoveryWorkflowId('tribopay', paymentId);
  // As an older worker wrote an ended first step: Twilio's text, number and all.
  await stack.testDb.db('recovery_events').insert({
    event_key: `${workflowId}:legacy:1:sms_failed`,
    workflow_id: workflowId,
    gateway: 'tribopay',
    payment_id: paymentId,
    transition: 'sms_failed',
    detail: JSON.stringify({
      step: 1,
      errorCode: 21211,
      reason: `Twilio 21211: The 'To' number ${OLD} is not a valid phone number.`,
    }),
    occurred_at: new Date(),
    recorded_at: new Date(),
  });
  expect(await auditText(stack.testDb.db)).toContain(digits(OLD));

  const reply = await erase(OLD);

  expect(reply.status).toBe(200);
  expect(reply.json).toMatchObject({ tables: { recovery_events: 1 } });
  expect(await auditText(stack.testDb.db)).not.toContain(digits(OLD));
  const row = await stack.testDb
    .db('recovery_events')
    .where({ event_key: `${workflowId}:legacy:1:sms_failed` })
    .first();
  const detail = (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as {
    errorCode: number;
    reason: string;
  };
  expect(detail.errorCode).toBe(21211);
  expect(detail.reason).toMatch(/^Twilio 21211: The 'To' number \+55 11 9\*+-0987 is not a valid/);
}, 60_000);

test('a repeated erasure finds nothing left to do', async () => {
  const reply = await call(server.url, '/api/webhooks/privacy/erase/', {
    method: 'POST',
    body: { phone_number: ERASED },
  });

  expect(reply.status).toBe(200);
  expect(reply.json).toEqual({
    tables: {
      webhook_events: 0,
      sms_messages: 0,
      recovery_events: 0,
      sms_send_claims: 0,
      suppressed_numbers: 0,
    },
    recoveriesEnded: 0,
  });
});

test('a body without a valid number is refused field by field; no token, 401', async () => {
  const bad = await call(server.url, '/api/webhooks/privacy/erase/', {
    method: 'POST',
    body: { phone_number: 'call me' },
  });
  expect(bad.status).toBe(422);
  expect(bad.json.error.issues[0].path).toBe('phone_number');
  const anonymous = await call(server.url, '/api/webhooks/privacy/erase/', {
    method: 'POST',
    token: null,
    body: { phone_number: ERASED },
  });
  expect(anonymous.status).toBe(401);
});
