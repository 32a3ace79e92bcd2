/**
 * How the real sender (official `twilio` client) reports calls without an HTTP answer: the
 * activity resends blindly only when Twilio can't have created the message.
 */
import { SmsSendError } from '../../src/sms/errors';
import { createSmsSender } from '../../src/sms/sender';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { SENDER_NUMBER } from '../helpers/recovery-worker';

const TO = '+5511987654321';
let emulator: TwilioEmulator;

beforeEach(async () => {
  emulator = await startTwilioEmulator();
});
afterEach(() => emulator.close());

function sender(timeoutMs = 200) {
  return createSmsSender({ ...emulator, from: SENDER_NUMBER, timeoutMs }, emulator.url);
}

async function sendError(promise: Promise<unknown>): Promise<SmsSendError> {
  const err = await promise.then(
    () => new Error('expected the send to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof SmsSendError)) throw err;
  return err;
}

test('a Twilio call that outlives TWILIO_TIMEOUT leaves the outcome unknown', async () => {
  emulator.failNext({ kind: 'late-commit', ms: 1_000 });

  const err = await sendError(sender(200).send({ to: TO, body: 'Oi' }));

  expect(err).toMatchObject({ kind: 'transient', outcomeUnknown: true });
});

test('a connection cut after Twilio took the request leaves the outcome unknown', async () => {
  emulator.failNext({ kind: 'lost-response' });

  const err = await sendError(sender().send({ to: TO, body: 'Oi' }));

  expect(err).toMatchObject({ kind: 'transient', outcomeUnknown: true });
});

test('a Twilio that refuses the connection created nothing: no doubt', async () => {
  const closed = sender();
  await emulator.close();

  const err = await sendError(closed.send({ to: TO, body: 'Oi' }));

  expect(err).toMatchObject({ kind: 'transient', outcomeUnknown: false });
});
