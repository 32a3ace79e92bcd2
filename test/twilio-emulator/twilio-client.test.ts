import { createTwilioClient, twilioClientConfigSchema } from '../../src/sms/twilio-client';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';

let emulator: TwilioEmulator;

beforeEach(async () => {
  emulator = await startTwilioEmulator({ port: 0 });
});
afterEach(() => emulator.close());

test('with apiUrl, creates and lists go to that URL instead of api.twilio.com', async () => {
  const client = createTwilioClient({ ...emulator, apiUrl: emulator.url });

  const created = await client.messages.create({
    to: '+5521987654321',
    from: '+15005550001',
    body: 'Oi',
  });
  const listed = await client.messages.list({ limit: 5 });

  expect(client.api.baseUrl).toBe(emulator.url);
  expect(emulator.messages().map((m) => m.sid)).toEqual([created.sid]);
  expect(listed.map((m) => m.sid)).toEqual([created.sid]);
});

test('without apiUrl the client keeps the api.twilio.com address', () => {
  const client = createTwilioClient({
    accountSid: emulator.accountSid,
    authToken: emulator.authToken,
  });

  expect(client.api.baseUrl).toBe('https://api.twilio.com');
});

test('an edge or region from the environment is ignored when apiUrl is set', () => {
  const saved = { edge: process.env.TWILIO_EDGE, region: process.env.TWILIO_REGION };
  process.env.TWILIO_EDGE = 'sydney';
  process.env.TWILIO_REGION = 'au1';
  try {
    const client = createTwilioClient({ ...emulator, apiUrl: emulator.url });

    expect([client.edge, client.region]).toEqual([undefined, undefined]);
  } finally {
    restoreEnv('TWILIO_EDGE', saved.edge);
    restoreEnv('TWILIO_REGION', saved.region);
  }
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

test('a config with a malformed account sid or api URL is refused field by field', () => {
  const parsed = twilioClientConfigSchema.safeParse({
    accountSid: 'SK123',
    authToken: 't',
    apiUrl: 'ftp://x',
  });

  expect(parsed.success).toBe(false);
  expect(parsed.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
    'accountSid',
    'apiUrl',
  ]);
});

test("each emulator run has its own random auth token, and Twilio's client signs only with it", async () => {
  const [a, b] = await Promise.all([
    startTwilioEmulator({ port: 0 }),
    startTwilioEmulator({ port: 0 }),
  ]);
  try {
    expect(a.authToken).toMatch(/^[0-9a-f]{48}$/);
    expect(b.authToken).not.toBe(a.authToken);
    // The token once published in the source no longer authenticates anything.
    const old = createTwilioClient({
      ...a,
      authToken: 'twilio-emulator-dev-auth-token',
      apiUrl: a.url,
    });
    await expect(
      old.messages.create({ to: '+5521987654321', from: '+15005550001', body: 'Oi' }),
    ).rejects.toMatchObject({ status: 401 });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
