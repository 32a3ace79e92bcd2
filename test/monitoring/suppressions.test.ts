import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { isSuppressed, suppress } from '../../src/db/suppressions';
import { pageSchema, suppressionSchema } from '../../src/monitoring/shapes';
import { createSmsSender } from '../../src/sms/sender';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { SENDER_NUMBER } from '../helpers/recovery-worker';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { call, monitoringApp } from './app';

const PATH = '/api/webhooks/suppressions/';
const suppressionPage = pageSchema(suppressionSchema, 'SuppressionPage');

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let emulator: TwilioEmulator;
let server: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  [env, testDb, emulator] = await Promise.all([
    createTimeSkippingEnv(),
    pgTestDb(),
    startTwilioEmulator(),
  ]);
  const sms = createSmsSender(
    { accountSid: emulator.accountSid, authToken: emulator.authToken, from: SENDER_NUMBER },
    emulator.url,
  );
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
  server = await serve(monitoringApp({ db: testDb.db, temporal: env.client, sms, logger }));
}, 60_000);

beforeEach(async () => {
  await testDb.db('suppressed_numbers').delete();
  logLines.length = 0;
});

afterAll(async () => {
  await server?.close();
  await Promise.all([env?.teardown(), emulator?.close(), testDb?.drop()]);
});

const add = (body: unknown) => call(server.url, PATH, { method: 'POST', body });
const lookUp = (phone: string) =>
  call(server.url, `${PATH}lookup/`, { method: 'POST', body: { phone_number: phone } });

describe('the suppression list through the API', () => {
  test('an operator adds a number in any usual spelling; it is stored in E.164 and shown whole', async () => {
    const reply = await add({ phone_number: '(11) 98765-4321', note: 'asked by phone, ticket 42' });

    expect(reply.status).toBe(201);
    expect(suppressionSchema.parse(reply.json)).toEqual({
      id: expect.any(Number) as number,
      phone: '+5511987654321',
      reason: 'manual',
      detail: 'asked by phone, ticket 42',
      createdAt: expect.any(String) as string,
    });
    expect(await isSuppressed(testDb.db, '+5511987654321')).toBe(true);
  });

  test('adding a number already suppressed keeps its first entry and answers 200', async () => {
    await suppress(testDb.db, '+5511987654321', 'opt_out_reply', 'PARE');

    const reply = await add({ phone_number: '+55 11 98765-4321', note: 'again' });

    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      phone: '+5511987654321',
      reason: 'opt_out_reply',
      detail: 'PARE',
    });
    expect(await testDb.db('suppressed_numbers').count({ n: '*' })).toEqual([{ n: '1' }]);
  });

  test('the list is newest first, masked, filtered by reason and paged without numbers in the cursor', async () => {
    await suppress(testDb.db, '+5511900000001', 'twilio_21610', 'Twilio 21610');
    await suppress(testDb.db, '+5521900000002', 'opt_out_reply', 'SAIR');
    await suppress(testDb.db, '+5531900000003', 'manual');

    const first = suppressionPage.parse((await call(server.url, `${PATH}?limit=2`)).json);
    expect(first.items.map((e) => e.phone)).toEqual(['+55 31 9****-0003', '+55 21 9****-0002']);
    expect(first.next).not.toMatch(/\d{6}/);
    const second = suppressionPage.parse(
      (await call(server.url, `${PATH}?limit=2&cursor=${first.next}`)).json,
    );
    expect(second).toEqual({
      items: [expect.objectContaining({ phone: '+55 11 9****-0001', reason: 'twilio_21610' })],
      next: null,
    });

    const optOuts = suppressionPage.parse(
      (await call(server.url, `${PATH}?reason=opt_out_reply`)).json,
    );
    expect(optOuts.items.map((e) => e.detail)).toEqual(['SAIR']);
  });

  test('a lookup by number finds the entry (also in the E.164 shape Twilio relays) or answers 404', async () => {
    await suppress(testDb.db, '+5511987654321', 'opt_out_reply', 'STOP');

    const found = await lookUp('11 98765-4321');
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ phone: '+5511987654321', reason: 'opt_out_reply' });
    expect((await lookUp('+5511987654321')).status).toBe(200);

    const missing = await lookUp('+5521987654321');
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe('the number is not suppressed');
  });

  test('an entry is read and removed by id; the number can be messaged again and the removal is logged masked', async () => {
    const added = suppressionSchema.parse((await add({ phone_number: '+5511987654321' })).json);

    const read = await call(server.url, `${PATH}${added.id}/`);
    expect(read.json).toEqual(added);

    const removed = await call(server.url, `${PATH}${added.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual(added);
    expect(await isSuppressed(testDb.db, '+5511987654321')).toBe(false);
    expect((await call(server.url, `${PATH}${added.id}/`, { method: 'DELETE' })).status).toBe(404);
    expect((await call(server.url, `${PATH}${added.id}/`)).status).toBe(404);

    const removal = logLines.find((line) => line.includes('removed from the suppression list'));
    expect(removal).toContain('+55 11 9****-4321');
    expect(logLines.join('\n')).not.toContain('5511987654321');
  });

  test('a number added through the API is refused by the test SMS, and sent to again once removed', async () => {
    const added = suppressionSchema.parse((await add({ phone_number: '21987654321' })).json);
    const testSms = () =>
      call(server.url, '/api/webhooks/test-sms/', {
        method: 'POST',
        body: { phone_number: '21987654321', message: 'Teste' },
      });

    const refused = await testSms();
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/suppression list/);
    expect(emulator.messages()).toEqual([]);

    await call(server.url, `${PATH}${added.id}/`, { method: 'DELETE' });
    expect((await testSms()).status).toBe(200);
    expect(emulator.messages()).toHaveLength(1);
  });

  test.each([
    [{ phone_number: '12345' }, 'phone_number'],
    [{ phone_number: '+999123' }, 'phone_number'],
    [{ phone_number: '+5511987654321', note: ' ' }, 'note'],
    [{ phone_number: '+5511987654321', reason: 'manual' }, 'reason'],
    [{}, 'phone_number'],
  ])('adding %j is refused with 422 naming %s, and nothing is stored', async (body, field) => {
    const reply = await add(body);

    expect(reply.status).toBe(422);
    expect(reply.json.error.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: field })]),
    );
    expect(await testDb.db('suppressed_numbers').count({ n: '*' })).toEqual([{ n: '0' }]);
  });

  test.each([
    ['GET', `${PATH}0/`, 400],
    ['GET', `${PATH}abc/`, 400],
    ['DELETE', `${PATH}1.5/`, 400],
    ['GET', `${PATH}?reason=spam`, 400],
    ['GET', `${PATH}?cursor=abc`, 400],
  ])('%s %s answers %d', async (method, path, status) => {
    expect((await call(server.url, path, { method })).status).toBe(status);
  });
});
