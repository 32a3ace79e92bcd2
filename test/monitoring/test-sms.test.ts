import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import type { Logger } from '../../src/logging';
import { testSmsResultSchema } from '../../src/monitoring/shapes';
import { createSmsSender } from '../../src/sms/sender';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { SENDER_NUMBER } from '../helpers/recovery-worker';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { call, monitoringApp } from './app';

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let emulator: TwilioEmulator;
const servers: TestServer[] = [];

beforeAll(async () => {
  [env, testDb, emulator] = await Promise.all([
    createTimeSkippingEnv(),
    pgTestDb(),
    startTwilioEmulator(),
  ]);
}, 60_000);

afterEach(() => emulator.reset());

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all([env?.teardown(), emulator?.close(), testDb?.drop()]);
});

/** A fresh app (so a fresh rate limit) sending through the emulator with the real twilio client. */
async function testSmsServer(
  options: { twilio?: boolean; logger?: Logger } = {},
): Promise<TestServer> {
  const sms =
    options.twilio === false
      ? createSmsSender(null)
      : createSmsSender(
          { accountSid: emulator.accountSid, authToken: emulator.authToken, from: SENDER_NUMBER },
          emulator.url,
        );
  const server = await serve(
    monitoringApp({
      db: testDb.db,
      temporal: env.client,
      sms,
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  );
  servers.push(server);
  return server;
}

const send = (server: TestServer, body: unknown, contentType?: string) =>
  call(server.url, '/api/webhooks/test-sms/', { body, contentType });

describe('sending a test SMS', () => {
  test('sends the given text to the number, records it in the SMS logs and returns the Twilio SID', async () => {
    const server = await testSmsServer();

    const reply = await send(server, {
      phone_number: '(11) 98765-4321',
      message: 'Teste de envio',
    });

    expect(reply.status).toBe(200);
    const result = testSmsResultSchema.parse(reply.json);
    expect(emulator.messages()).toEqual([
      expect.objectContaining({
        sid: result.sid,
        to: '+5511987654321',
        from: SENDER_NUMBER,
        body: 'Teste de envio',
      }),
    ]);
    expect(result.workflowId).toMatch(/^test-sms:[0-9a-f-]{36}$/);
    expect(await testDb.db('sms_messages').where({ workflow_id: result.workflowId })).toEqual([
      expect.objectContaining({
        step: 1,
        twilio_sid: result.sid,
        to_e164: '+5511987654321',
        body: 'Teste de envio',
        attempts: 1,
      }),
    ]);
    const logs = await call(
      server.url,
      `/api/webhooks/sms-logs/?payment_id=${result.workflowId.slice('test-sms:'.length)}`,
    );
    expect(logs.json.items).toEqual([
      expect.objectContaining({
        workflowId: result.workflowId,
        twilioSid: result.sid,
        to: '+55 11 9****-4321',
      }),
    ]);
  });

  test('without a message, sends the recovery template filled with sample values', async () => {
    const server = await testSmsServer();

    const reply = await send(server, { phone_number: '+55 21 98765-4321' });

    expect(reply.status).toBe(200);
    expect(emulator.messages()[0].body).toMatch(
      /^Oi, Maria! Seu PIX de R\$ 49,90 continua aguardando pagamento\./,
    );
    expect(reply.json.body).toBe(emulator.messages()[0].body);
  });

  test.each([
    ['a landline', { phone_number: '(11) 3333-4444' }, 'phone_number'],
    [
      'a foreign mobile (Brazil only by default)',
      { phone_number: '+44 7911 123456' },
      'phone_number',
    ],
    ['text that is no number', { phone_number: 'call me' }, 'phone_number'],
    ['too few digits', { phone_number: '123' }, 'phone_number'],
    ['no number', { message: 'oi' }, 'phone_number'],
    [
      'a message over 320 characters',
      { phone_number: '11987654321', message: 'x'.repeat(321) },
      'message',
    ],
    ['an empty message', { phone_number: '11987654321', message: '   ' }, 'message'],
    ['a field it does not know', { phone_number: '11987654321', to: '11987654321' }, 'to'],
  ])('%s is refused with 422 naming the field, and nothing is sent', async (_what, body, field) => {
    const server = await testSmsServer();

    const reply = await send(server, body);

    expect(reply.status).toBe(422);
    expect(reply.json.error.issues).toEqual([expect.objectContaining({ path: field })]);
    expect(emulator.messages()).toEqual([]);
  });

  test.each([
    ['not JSON', 400, '{"phone_number": ', 'application/json'],
    ['a form', 415, 'phone_number=11987654321', 'application/x-www-form-urlencoded'],
  ])('a body that is %s is refused with %d', async (_what, status, body, contentType) => {
    const server = await testSmsServer();

    const reply = await send(server, body, contentType);

    expect(reply.status).toBe(status);
    expect(reply.json.error.status).toBe(status);
  });

  test('the sixth message within a minute is refused with 429 and Retry-After, and not sent', async () => {
    const server = await testSmsServer();
    for (let i = 0; i < 5; i += 1) {
      expect((await send(server, { phone_number: '11987654321', message: `n${i}` })).status).toBe(
        200,
      );
    }

    const reply = await send(server, { phone_number: '11987654321', message: 'one too many' });

    expect(reply.status).toBe(429);
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(emulator.messages()).toHaveLength(5);
  });

  test("a number Twilio refuses (21614, not a mobile) is 422 with Twilio's code, and the row is failed", async () => {
    const server = await testSmsServer();
    emulator.failForNumber('+5511987650000', { kind: 'error', httpStatus: 400, code: 21614 });

    const reply = await send(server, { phone_number: '11987650000', message: 'oi' });

    expect(reply.status).toBe(422);
    expect(reply.json.error.message).toBe('Twilio refused the message (Twilio error 21614)');
    expect(await testDb.db('sms_messages').where({ to_e164: '+5511987650000' })).toEqual([
      expect.objectContaining({ status: 'failed', error_code: 21614 }),
    ]);
  });

  test('Twilio answering 503 is a 503 with Retry-After', async () => {
    const server = await testSmsServer();
    emulator.failNext({ kind: 'error', httpStatus: 503, code: 20503 });

    const reply = await send(server, { phone_number: '11987654321', message: 'oi' });

    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('30');
  });

  test('without Twilio credentials the answer says to configure them', async () => {
    const server = await testSmsServer({ twilio: false });

    const reply = await send(server, { phone_number: '11987654321' });

    expect(reply.status).toBe(503);
    expect(reply.json.error.message).toMatch(/Twilio is not configured: set TWILIO_ACCOUNT_SID/);
  });
});

describe('a test SMS Twilio accepted but the database would not record', () => {
  // A real database refusal: a trigger rejects storing any SID, as a broken disk or a
  // lost connection would, after Twilio has already taken the message.
  beforeAll(async () => {
    await testDb.db.raw(`
      CREATE FUNCTION refuse_sid() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'disk full while writing sms_messages'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse_sid BEFORE UPDATE OF twilio_sid ON sms_messages
        FOR EACH ROW WHEN (NEW.twilio_sid IS NOT NULL) EXECUTE FUNCTION refuse_sid();`);
  });
  afterAll(async () => {
    await testDb.db.raw('DROP TRIGGER refuse_sid ON sms_messages; DROP FUNCTION refuse_sid();');
  });

  test('answers 200 with the SID, never marks the message failed, and no SQL reaches a body', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const server = await testSmsServer({ logger });
    const reply = await send(server, { phone_number: '(11) 98765-4399', message: 'Teste' });

    expect(reply.status).toBe(200);
    const sid = emulator.messages()[0].sid;
    expect(reply.json.sid).toBe(sid);
    const row = await testDb.db('sms_messages').where({ id: reply.json.smsId }).first();
    expect(row.status).not.toBe('failed');
    expect(row.error_message).toBeNull();
    const logs = await call(server.url, '/api/webhooks/sms-logs/?limit=200');
    expect(logs.text).not.toMatch(/update "sms_messages"|disk full/i);
    // Retried, then the SID goes to the error log for an operator to match with Twilio.
    expect(lines.map((line) => JSON.parse(line) as { level: number; sid?: string })).toEqual([
      expect.objectContaining({ level: 50, sid }),
    ]);
  });
});
