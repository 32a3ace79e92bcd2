import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { createTwilioClient, type TwilioClient } from '../../src/sms/twilio-client';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';

const FROM = '+15005550001';
const CUSTOMER = '+5521987654321';

interface Callback {
  url: string;
  signature: string;
  params: Record<string, string>;
}

/** A stand-in for the service's callback endpoint: records what Twilio would post. */
async function startReceiver(): Promise<{ server: Server; base: string; received: Callback[] }> {
  const received: Callback[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      received.push({
        url: `${base}${req.url}`,
        signature: String(req.headers['x-twilio-signature']),
        params: Object.fromEntries(new URLSearchParams(body)),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for status callbacks');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let emulator: TwilioEmulator;
let client: TwilioClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeEach(async () => {
  emulator = await startTwilioEmulator({ port: 0, statusCallbacks: true });
  client = createTwilioClient({ ...emulator, apiUrl: emulator.url });
  receiver = await startReceiver();
});
afterEach(async () => {
  await emulator.close();
  await new Promise((resolve) => receiver.server.close(resolve));
});

test('sent then delivered callbacks arrive signed so that twilio.validateRequest accepts them', async () => {
  const statusCallback = `${receiver.base}/webhooks/twilio/status?recovery=42`;

  const created = await client.messages.create({
    to: CUSTOMER,
    from: FROM,
    body: 'Oi',
    statusCallback,
  });
  await waitFor(() => receiver.received.length === 2);

  expect(receiver.received.map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
  for (const callback of receiver.received) {
    expect(callback.url).toBe(statusCallback);
    expect(callback.params).toMatchObject({
      MessageSid: created.sid,
      AccountSid: emulator.accountSid,
      From: FROM,
      To: CUSTOMER,
    });
    expect(callback.params.ErrorCode).toBeUndefined();
    expect(
      twilio.validateRequest(emulator.authToken, callback.signature, callback.url, callback.params),
    ).toBe(true);
    expect(
      twilio.validateRequest('some-other-token', callback.signature, callback.url, callback.params),
    ).toBe(false);
  }
});

test('an undelivered message reports its ErrorCode in the final callback', async () => {
  emulator.failNext({ kind: 'undelivered', errorCode: 30006 });

  await client.messages.create({
    to: CUSTOMER,
    from: FROM,
    body: 'Oi',
    statusCallback: `${receiver.base}/s`,
  });
  await waitFor(() => receiver.received.length === 2);

  const [sent, final] = receiver.received;
  expect(sent.params.ErrorCode).toBeUndefined();
  expect(final.params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30006' });
  expect(twilio.validateRequest(emulator.authToken, final.signature, final.url, final.params)).toBe(
    true,
  );
});

test('a message without StatusCallback triggers no callback', async () => {
  await client.messages.create({ to: CUSTOMER, from: FROM, body: 'Oi' });
  await new Promise((resolve) => setTimeout(resolve, 100));

  expect(receiver.received).toEqual([]);
});

test('an unreachable callback URL does not disturb the emulator', async () => {
  const closed = await startReceiver();
  await new Promise((resolve) => closed.server.close(resolve));

  await client.messages.create({
    to: CUSTOMER,
    from: FROM,
    body: 'Oi',
    statusCallback: `${closed.base}/gone`,
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const afterwards = await client.messages.create({ to: CUSTOMER, from: FROM, body: 'again' });

  expect(afterwards.status).toBe('queued');
  expect(emulator.messages()).toHaveLength(2);
});

test('callbacks stay off unless the emulator is started with statusCallbacks', async () => {
  const quiet = await startTwilioEmulator({ port: 0 });
  const quietClient = createTwilioClient({ ...quiet, apiUrl: quiet.url });

  await quietClient.messages.create({
    to: CUSTOMER,
    from: FROM,
    body: 'Oi',
    statusCallback: `${receiver.base}/s`,
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await quiet.close();

  expect(receiver.received).toEqual([]);
});
