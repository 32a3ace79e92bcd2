/** `test-sms`: the real template, rendered and either described (--dry-run) or sent. */
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { errorLine, runCli } from './run-cli';

let emulator: TwilioEmulator | undefined;
afterEach(() => emulator?.close());

const twilioEnv = (e: TwilioEmulator) => ({
  TWILIO_ACCOUNT_SID: e.accountSid,
  TWILIO_AUTH_TOKEN: e.authToken,
  TWILIO_PHONE_NUMBER: '+15005550006',
  TWILIO_API_URL: e.url,
});

test('--dry-run prints the default message with the amount in reais, its length and segments', async () => {
  const run = await runCli([
    'test-sms',
    '--phone',
    '(11) 98765-4321',
    '--name',
    'MARIA SILVA',
    '--amount',
    '5000',
    '--dry-run',
  ]);

  expect(run.code).toBe(0);
  expect(run.stdout).toContain('to        +5511987654321');
  expect(run.stdout).toContain(
    'body      Oi, Maria! Seu PIX de R$ 50,00 continua aguardando pagamento.',
  );
  expect(run.stdout).toMatch(/length {4}\d+ characters/);
  expect(run.stdout).toMatch(
    /segments {2}1 \(GSM-7, \d+ septets: up to 160 in one SMS, 153 per part/,
  );
  expect(run.stdout).toContain('dry run: nothing sent');
});

test('--dry-run names the character that turns a configured template into UCS-2', async () => {
  const run = await runCli(
    ['test-sms', '--phone', '11987654321', '--amount', '5000', '--dry-run'],
    {
      SMS_TEMPLATE:
        'Olá{?first_name} {first_name}{/first_name}! Seu PIX de {amount} está aguardando.',
    },
  );

  expect(run.code).toBe(0);
  expect(run.stdout).toContain('body      Olá! Seu PIX de R$ 50,00 está aguardando.');
  expect(run.stdout).toMatch(
    /segments {2}1 \(UCS-2 because of "á", 41 UTF-16 units: up to 70 in one SMS, 67 per part/,
  );
});

test('without --dry-run the message goes through the configured Twilio, and its SID is printed', async () => {
  emulator = await startTwilioEmulator({ port: 0 });

  const run = await runCli(
    ['test-sms', '--phone', '21987654321', '--amount', '5000', '--gateway', 'ghostpay'],
    twilioEnv(emulator),
  );

  expect(run.code).toBe(0);
  const [sent] = emulator.messages();
  expect(sent).toMatchObject({ to: '+5521987654321', from: '+15005550006' });
  expect(sent.body).toContain('R$ 50,00');
  expect(run.stdout).toContain(`sent      ${sent.sid} (queued)`);
});

test("Twilio's refusal is one error line with its HTTP status and error code", async () => {
  emulator = await startTwilioEmulator({ port: 0 });
  emulator.failNext({
    kind: 'error',
    httpStatus: 400,
    code: 21610,
    message: 'Attempt to send to unsubscribed recipient',
  });

  const run = await runCli(['test-sms', '--phone', '21987654321'], twilioEnv(emulator));

  expect(run.code).toBe(1);
  expect(errorLine(run)).toBe(
    'error: Twilio answered HTTP 400, code 21610: Attempt to send to unsubscribed recipient',
  );
});

test('without Twilio settings it refuses to send, on one line, before rendering anything', async () => {
  const run = await runCli(['test-sms', '--phone', '11987654321']);

  expect(run.code).toBe(1);
  expect(errorLine(run)).toBe(
    'error: Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER, run it beside `npm start` (same DATA_DIR), or use --dry-run',
  );
  expect(run.stdout).toBe('');
});

test('a foreign mobile is refused unless ALLOWED_COUNTRIES names its country', async () => {
  const args = ['test-sms', '--phone', '+351 912 345 678', '--dry-run'];
  const refused = await runCli(args);
  expect(refused.code).not.toBe(0);
  expect(errorLine(refused)).toContain('ALLOWED_COUNTRIES');

  const allowed = await runCli(args, { ALLOWED_COUNTRIES: 'BR,PT' });
  expect(allowed.code).toBe(0);
  expect(allowed.stdout).toContain('to        +351912345678');
});
