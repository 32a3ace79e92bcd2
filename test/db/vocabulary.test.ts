import { insertTransition, transitionsForPayment } from '../../src/db/recovery-events';
import {
  claimSmsRow,
  markAccepted,
  recordStatusReport,
  smsForPayment,
} from '../../src/db/sms-messages';
import { insertWebhookEvent, webhookEventById } from '../../src/db/webhook-events';
import { bareEvent } from '../../src/domain/payment-event';
import { pgTestDb, sqliteTestDb, type TestDb } from '../helpers/db';

/**
 * The status and outcome columns hold the domain's words only (src/domain): what Twilio
 * says in other words is recorded in ours, and a row edited by hand to another word is
 * refused on read, naming the column and the value, rather than passed on as a status.
 */
describe.each([
  ['PostgreSQL', pgTestDb],
  ['SQLite', sqliteTestDb],
])('the words the tables hold, on %s', (_engine, open) => {
  let testDb: TestDb;
  let seq = 0;

  beforeAll(async () => {
    testDb = await open();
  }, 30_000);

  afterAll(() => testDb?.drop());

  async function newSms() {
    seq += 1;
    const paymentId = `vocabulary-${seq}`;
    return claimSmsRow(testDb.db, {
      workflowId: `recovery:tribopay:${paymentId}`,
      step: 1,
      gateway: 'tribopay',
      paymentId,
      toE164: '+5511987654321',
      body: 'Oi, Maria!',
    });
  }

  async function statusOf(paymentId: string) {
    const [row] = await smsForPayment(testDb.db, 'tribopay', paymentId);
    return row.status;
  }

  test("a status Twilio answers on acceptance that isn't ours is recorded as accepted, and reports still move it on", async () => {
    const row = await newSms();
    const sid = `SM${String(seq).padStart(32, '0')}`;

    await markAccepted(testDb.db, row.id, sid, 'partially_delivered');
    expect(await statusOf(row.paymentId)).toBe('accepted');

    const report = { sid, errorCode: null, price: null, priceUnit: null };
    expect(await recordStatusReport(testDb.db, { ...report, status: 'sent' })).toBe('recorded');
    expect(await statusOf(row.paymentId)).toBe('sent');
  });

  test("Twilio's own words on acceptance are kept as they are (queued)", async () => {
    const row = await newSms();
    await markAccepted(testDb.db, row.id, `SMq${String(seq).padStart(31, '0')}`, 'queued');
    expect(await statusOf(row.paymentId)).toBe('queued');
  });

  test('an SMS row edited by hand to an unknown status fails the read, naming column and value', async () => {
    const row = await newSms();
    await testDb.db('sms_messages').where({ id: row.id }).update({ status: 'bogus' });

    await expect(smsForPayment(testDb.db, 'tribopay', row.paymentId)).rejects.toThrow(
      'sms_messages.status holds "bogus", not one of: pending, accepted',
    );
  });

  test('a webhook outcome edited by hand to an unknown word fails the read', async () => {
    seq += 1;
    const { row } = await insertWebhookEvent(
      testDb.db,
      {
        event: bareEvent('tribopay', `vocabulary-${seq}`, 'paid', 'paid'),
        phoneE164: null,
        phoneError: null,
        rawBody: '{}',
        contentType: 'application/json',
        dedupKey: `vocabulary-${seq}`,
        receivedAt: new Date(),
      },
      { outcome: 'signalled', workflowId: null },
    );
    expect((await webhookEventById(testDb.db, row.id))?.outcome).toBe('signalled');

    await testDb.db('webhook_events').where({ id: row.id }).update({ outcome: 'sent' });
    await expect(webhookEventById(testDb.db, row.id)).rejects.toThrow(
      'webhook_events.outcome holds "sent", not one of: scheduled, signalled',
    );
  });

  test('a transition edited by hand to an unknown word fails the read', async () => {
    seq += 1;
    const paymentId = `vocabulary-${seq}`;
    await insertTransition(testDb.db, {
      eventKey: `vocabulary:${seq}`,
      workflowId: `recovery:tribopay:${paymentId}`,
      gateway: 'tribopay',
      paymentId,
      transition: 'waiting',
      detail: {},
      occurredAt: new Date().toISOString(),
    });
    await testDb
      .db('recovery_events')
      .where({ payment_id: paymentId })
      .update({ transition: 'done' });

    await expect(transitionsForPayment(testDb.db, 'tribopay', paymentId)).rejects.toThrow(
      'recovery_events.transition holds "done", not one of: waiting, held',
    );
  });
});
