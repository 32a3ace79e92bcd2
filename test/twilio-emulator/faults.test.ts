import twilio from 'twilio';
import { createTwilioClient, type TwilioClient } from '../../src/sms/twilio-client';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';

const FROM = '+15005550001';
const CUSTOMER = '+5521987654321';
const LANDLINE = '+552133334444';

let emulator: TwilioEmulator;
let client: TwilioClient;

beforeEach(async () => {
  emulator = await startTwilioEmulator({ port: 0 });
  client = createTwilioClient({ ...emulator, apiUrl: emulator.url });
});
afterEach(() => emulator.close());

const send = (to = CUSTOMER) =>
  client.messages.create({ to, from: FROM, body: 'Seu PIX expira em breve' });

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to be rejected');
    },
    (err: unknown) => err,
  );
}

test('a queued 429 surfaces as RestException 429/20429 and nothing is stored', async () => {
  emulator.failNext({ kind: 'error', httpStatus: 429, code: 20429, message: 'Too Many Requests' });

  const error = await errorOf(send());

  expect(error).toBeInstanceOf(twilio.RestException);
  expect(error).toMatchObject({ status: 429, code: 20429, message: 'Too Many Requests' });
  expect(emulator.messages()).toEqual([]);
});

test('a queued 503 surfaces as RestException 503, and only for the next call', async () => {
  emulator.failNext({ kind: 'error', httpStatus: 503, code: 20503 });

  const error = await errorOf(send());
  const retried = await send();

  expect(error).toBeInstanceOf(twilio.RestException);
  expect(error).toMatchObject({ status: 503, code: 20503 });
  expect(emulator.messages().map((m) => m.sid)).toEqual([retried.sid]);
});

test('a fault queued several times fails that many calls in a row', async () => {
  emulator.failNext({ kind: 'error', httpStatus: 503, code: 20503 }, 2);

  const outcomes = await Promise.allSettled([send(), send(), send()]);

  expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
});

test('a lost response rejects with a network error although Twilio kept the message', async () => {
  emulator.failNext({ kind: 'lost-response' });

  const error = await errorOf(send());

  expect(error).not.toBeInstanceOf(twilio.RestException);
  expect(error).toMatchObject({ code: 'ECONNRESET' });
  const [stored] = emulator.messages();
  expect(stored).toMatchObject({ to: CUSTOMER, body: 'Seu PIX expira em breve' });
  const listed = await client.messages.list({ to: CUSTOMER });
  expect(listed.map((m) => m.sid)).toEqual([stored.sid]);
});

test('a number with a fault fails every time while other numbers go through', async () => {
  emulator.failForNumber(LANDLINE, {
    kind: 'error',
    httpStatus: 400,
    code: 21614,
    message: 'not a mobile number',
  });

  const first = await errorOf(send(LANDLINE));
  const second = await errorOf(send(LANDLINE));
  await send(CUSTOMER);

  expect([first, second]).toEqual([
    expect.objectContaining({ status: 400, code: 21614 }),
    expect.objectContaining({ status: 400, code: 21614 }),
  ]);
  expect(emulator.messages().map((m) => m.to)).toEqual([CUSTOMER]);
});

test('a delayed response arrives after the delay, with the message stored meanwhile', async () => {
  emulator.failNext({ kind: 'delay', ms: 300 });
  const started = Date.now();

  const pending = send();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const storedBeforeAnswer = emulator.messages();
  const created = await pending;

  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(storedBeforeAnswer.map((m) => m.sid)).toEqual([created.sid]);
});

test('a refusal with a delay keeps the call in flight until it comes, and stores nothing', async () => {
  emulator.failNext({
    kind: 'error',
    httpStatus: 400,
    code: 21211,
    message: 'invalid To',
    ms: 300,
  });
  let settled = false;

  const pending = errorOf(send()).finally(() => {
    settled = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const settledEarly = settled;
  const error = await pending;

  expect(settledEarly).toBe(false);
  expect(error).toBeInstanceOf(twilio.RestException);
  expect(error).toMatchObject({ status: 400, code: 21211, message: 'invalid To' });
  expect(emulator.messages()).toEqual([]);
});

test('a delay longer than the client timeout leaves the outcome unknown to the client', async () => {
  const impatient = createTwilioClient({ ...emulator, apiUrl: emulator.url });
  impatient.httpClient.defaultTimeout = 100;
  emulator.failNext({ kind: 'delay', ms: 2_000 });

  const error = await errorOf(impatient.messages.create({ to: CUSTOMER, from: FROM, body: 'x' }));

  expect(error).not.toBeInstanceOf(twilio.RestException);
  expect(emulator.messages()).toHaveLength(1);
});

test('a late commit shows the message only when the late answer comes', async () => {
  emulator.failNext({ kind: 'late-commit', ms: 300 });

  const pending = send();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const listedBeforeAnswer = await client.messages.list({ to: CUSTOMER });
  const created = await pending;
  const listedAfter = await client.messages.list({ to: CUSTOMER });

  expect(listedBeforeAnswer).toEqual([]);
  expect(listedAfter.map((m) => m.sid)).toEqual([created.sid]);
});

test('a late commit still creates the message for a client that gave up waiting', async () => {
  const impatient = createTwilioClient({ ...emulator, apiUrl: emulator.url, timeoutMs: 100 });
  emulator.failNext({ kind: 'late-commit', ms: 400 });

  const error = await errorOf(impatient.messages.create({ to: CUSTOMER, from: FROM, body: 'x' }));
  const storedAtTimeout = emulator.messages();
  await new Promise((resolve) => setTimeout(resolve, 500));

  expect(error).not.toBeInstanceOf(twilio.RestException);
  expect(storedAtTimeout).toEqual([]);
  expect(emulator.messages().map((m) => m.body)).toEqual(['x']);
});

test('an undelivered fault is accepted, then ends undelivered with its error code', async () => {
  emulator.failNext({ kind: 'undelivered', errorCode: 30006 });

  const created = await send();
  const fetched = await client.messages(created.sid).fetch();

  expect(created.status).toBe('queued');
  expect(fetched).toMatchObject({ status: 'undelivered', errorCode: 30006 });
});

test('reset forgets messages and faults', async () => {
  await send();
  emulator.failNext({ kind: 'error', httpStatus: 503, code: 20503 });
  emulator.failForNumber(LANDLINE, { kind: 'error', httpStatus: 400, code: 21614 });

  emulator.reset();
  await send(LANDLINE);

  expect(emulator.messages().map((m) => m.to)).toEqual([LANDLINE]);
});

test('close returns promptly even while a long delay is pending', async () => {
  emulator.failNext({ kind: 'delay', ms: 60_000 });
  const pending = errorOf(send());
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();

  await emulator.close();

  expect(Date.now() - started).toBeLessThan(1_000);
  await pending;
});
