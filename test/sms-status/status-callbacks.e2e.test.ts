import { smsForPayment } from '../../src/db/sms-messages';
import { eventually } from '../helpers/processes';
import { startRecoveryStack, type RecoveryStack } from './recovery-stack';

let stack: RecoveryStack;

beforeAll(async () => {
  stack = await startRecoveryStack('status-callbacks-e2e');
}, 120_000);

afterAll(() => stack?.close());

beforeEach(() => stack.emulator.reset());

async function settledSms(paymentId: string, status: string) {
  return eventually(
    async () => {
      const [row] = await smsForPayment(stack.testDb.db, 'tribopay', paymentId);
      return row?.status === status ? row : null;
    },
    10_000,
    `the SMS row to become ${status}`,
  );
}

describe('status reports end to end', () => {
  test('a recovery SMS ends delivered once Twilio reports it, through the signed callbacks to the running API', async () => {
    const { paymentId, webhook, final } = await stack.recover();
    expect(webhook.status).toBe(202);
    expect(final.sms?.status).toBe('sent');
    const row = await settledSms(paymentId, 'delivered');
    const [message] = stack.emulator.messages();
    expect(message.statusCallback).toBe(`${stack.apiUrl}/api/webhooks/twilio/status/`);
    expect(row).toMatchObject({ twilioSid: message.sid, errorCode: null });
    expect(row.deliveredAt).toBeInstanceOf(Date);
  });

  test('a carrier that rejects the message (30006, landline) leaves the row undelivered with the code', async () => {
    const landline = '+5511933334444';
    stack.emulator.failForNumber(landline, { kind: 'undelivered', errorCode: 30006 });
    const { paymentId, final } = await stack.recover(landline);
    expect(final.sms?.status).toBe('sent');
    const row = await settledSms(paymentId, 'undelivered');
    expect(row).toMatchObject({ errorCode: 30006, deliveredAt: null });
  });
});
