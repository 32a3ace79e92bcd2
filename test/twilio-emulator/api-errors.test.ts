import twilio from 'twilio';
import { createTwilioClient, type TwilioClient } from '../../src/sms/twilio-client';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';

const FROM = '+15005550001';
const CUSTOMER = '+5521987654321';

let emulator: TwilioEmulator;
let client: TwilioClient;

beforeEach(async () => {
  emulator = await startTwilioEmulator({ port: 0 });
  client = createTwilioClient({ ...emulator, apiUrl: emulator.url });
});
afterEach(() => emulator.close());

async function rejectionOf(
  promise: Promise<unknown>,
): Promise<InstanceType<typeof twilio.RestException>> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to be rejected');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(twilio.RestException);
  return error as InstanceType<typeof twilio.RestException>;
}

test('a wrong auth token is a RestException 401 with code 20003, and nothing is stored', async () => {
  const intruder = createTwilioClient({
    ...emulator,
    authToken: 'not-the-token',
    apiUrl: emulator.url,
  });

  const error = await rejectionOf(
    intruder.messages.create({ to: CUSTOMER, from: FROM, body: 'x' }),
  );

  expect(error).toMatchObject({ status: 401, code: 20003 });
  expect(error.moreInfo).toBe('https://www.twilio.com/docs/errors/20003');
  expect(emulator.messages()).toEqual([]);
});

test('credentials of another account are refused even when they are well formed', async () => {
  const other = createTwilioClient({
    accountSid: `AC${'1'.repeat(32)}`,
    authToken: emulator.authToken,
    apiUrl: emulator.url,
  });

  const error = await rejectionOf(other.messages.list({ limit: 1 }));

  expect(error).toMatchObject({ status: 401, code: 20003 });
});

test('a To that is not E.164 is a 400 with code 21211', async () => {
  const error = await rejectionOf(
    client.messages.create({ to: '21987654321', from: FROM, body: 'x' }),
  );

  expect(error).toMatchObject({ status: 400, code: 21211 });
  expect(error.message).toContain('21987654321');
});

test('a body over 1,600 characters is a 400 with code 21617', async () => {
  const error = await rejectionOf(
    client.messages.create({ to: CUSTOMER, from: FROM, body: 'a'.repeat(1601) }),
  );

  expect(error).toMatchObject({ status: 400, code: 21617 });
});

test('a body of exactly 1,600 characters is accepted', async () => {
  const created = await client.messages.create({
    to: CUSTOMER,
    from: FROM,
    body: 'ç'.repeat(1600),
  });

  expect(created.status).toBe('queued');
});

test('a missing body is a 400 with code 21602', async () => {
  const error = await rejectionOf(client.messages.create({ to: CUSTOMER, from: FROM }));

  expect(error).toMatchObject({ status: 400, code: 21602 });
});

test('neither From nor MessagingServiceSid is a 400 with code 21603', async () => {
  const error = await rejectionOf(client.messages.create({ to: CUSTOMER, body: 'x' }));

  expect(error).toMatchObject({ status: 400, code: 21603 });
});

test('a malformed MessagingServiceSid is a 400 with code 21705', async () => {
  const error = await rejectionOf(
    client.messages.create({ to: CUSTOMER, messagingServiceSid: 'MG123', body: 'x' }),
  );

  expect(error).toMatchObject({ status: 400, code: 21705 });
});
