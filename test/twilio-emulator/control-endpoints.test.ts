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

const send = (to = CUSTOMER) => client.messages.create({ to, from: FROM, body: 'Oi' });

function postFault(body: unknown): Promise<Response> {
  return fetch(`${emulator.url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('GET /__emulator/messages lists accepted messages oldest first', async () => {
  const first = await send();
  const second = await send(LANDLINE);

  const response = await fetch(`${emulator.url}/__emulator/messages`);
  const listed = (await response.json()) as Array<{ sid: string; to: string; receivedAt: string }>;

  expect(response.status).toBe(200);
  expect(listed.map((m) => m.sid)).toEqual([first.sid, second.sid]);
  expect(Date.parse(listed[0].receivedAt)).not.toBeNaN();
});

test('DELETE /__emulator/messages resets the emulator', async () => {
  await send();
  await postFault({ fault: { kind: 'error', httpStatus: 503, code: 20503 } });

  const response = await fetch(`${emulator.url}/__emulator/messages`, { method: 'DELETE' });
  await send();

  expect(response.status).toBe(204);
  expect(emulator.messages()).toHaveLength(1);
});

test('a fault posted with times fails that many create calls', async () => {
  const response = await postFault({
    fault: { kind: 'error', httpStatus: 429, code: 20429 },
    times: 2,
  });

  const outcomes = await Promise.allSettled([send(), send(), send()]);

  expect(response.status).toBe(204);
  expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  expect(outcomes[0]).toMatchObject({ reason: expect.any(twilio.RestException) });
  expect(outcomes[0]).toMatchObject({ reason: { status: 429, code: 20429 } });
});

test('a fault posted for a number applies to that number only', async () => {
  await postFault({ to: LANDLINE, fault: { kind: 'error', httpStatus: 400, code: 21614 } });

  await expect(send(LANDLINE)).rejects.toMatchObject({ status: 400, code: 21614 });
  await expect(send(CUSTOMER)).resolves.toMatchObject({ status: 'queued' });
});

test('a late-commit fault posted by a standalone process holds the message back until it answers', async () => {
  const response = await postFault({ fault: { kind: 'late-commit', ms: 300 } });

  const pending = send();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const storedBeforeAnswer = emulator.messages();
  const created = await pending;

  expect(response.status).toBe(204);
  expect(storedBeforeAnswer).toEqual([]);
  expect(emulator.messages().map((m) => m.sid)).toEqual([created.sid]);
});

test('an invalid fault is refused with 422 and the issues, and changes nothing', async () => {
  const response = await postFault({ fault: { kind: 'explode' } });
  const body = (await response.json()) as { issues: unknown[] };

  expect(response.status).toBe(422);
  expect(body.issues.length).toBeGreaterThan(0);
  await expect(send()).resolves.toMatchObject({ status: 'queued' });
});

test('the emulator refuses to bind anywhere but loopback', async () => {
  await expect(startTwilioEmulator({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
});
