import twilio from 'twilio';
import { STATUS_CALLBACK_PATH } from '../../src/sms-status/callback-url';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import {
  acceptedSms,
  AUTH_TOKEN,
  callbackApp,
  callbackFields,
  FORM,
  newSid,
  postCallback,
  PUBLIC_URL,
  smsRow,
} from './callbacks';

let testDb: TestDb;
let server: TestServer;
let unconfigured: TestServer;

beforeAll(async () => {
  testDb = await pgTestDb();
  [server, unconfigured] = await Promise.all([
    serve(callbackApp(testDb.db)),
    serve(callbackApp(testDb.db, { configured: false })),
  ]);
}, 30_000);

afterAll(async () => {
  await Promise.all([server?.close(), unconfigured?.close()]);
  await testDb?.drop();
});

describe('Twilio status callback signatures', () => {
  test('a callback signed with the auth token for our public URL is recorded', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(server, callbackFields(sms.twilioSid!, 'sent'));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ recorded: true });
    expect((await smsRow(testDb.db, sms)).status).toBe('sent');
  });

  test('the path without the trailing slash is verified and recorded too', async () => {
    const sms = await acceptedSms(testDb.db);
    const path = STATUS_CALLBACK_PATH.replace(/\/$/, '');
    const reply = await postCallback(server, callbackFields(sms.twilioSid!, 'sent'), {}, path);
    expect(reply.json).toEqual({ recorded: true });
  });

  test('a callback without X-Twilio-Signature is refused with 403 and changes nothing', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(server, callbackFields(sms.twilioSid!, 'delivered'), {
      signature: null,
    });
    expect(reply.status).toBe(403);
    expect(reply.json.error).toMatchObject({ status: 403, message: 'missing X-Twilio-Signature' });
    expect((await smsRow(testDb.db, sms)).status).toBe('queued');
  });

  test('a field changed after signing (delivered signed as sent) is refused with 403', async () => {
    const sms = await acceptedSms(testDb.db);
    const signed = callbackFields(sms.twilioSid!, 'sent');
    const reply = await postCallback(server, { ...signed, MessageStatus: 'delivered' }, { signed });
    expect(reply.status).toBe(403);
    expect(reply.json.error.message).toBe('invalid Twilio signature');
    expect((await smsRow(testDb.db, sms)).status).toBe('queued');
  });

  test('an added field that was not signed is refused with 403', async () => {
    const sms = await acceptedSms(testDb.db);
    const signed = callbackFields(sms.twilioSid!, 'undelivered');
    const reply = await postCallback(server, { ...signed, ErrorCode: '30006' }, { signed });
    expect(reply.status).toBe(403);
  });

  test('a signature for the address the request reached (the Host header) rather than the public URL is refused', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(server, callbackFields(sms.twilioSid!, 'sent'), {
      url: server.url + STATUS_CALLBACK_PATH,
    });
    expect(reply.status).toBe(403);
  });

  test('a signature for another path of our public URL is refused', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(server, callbackFields(sms.twilioSid!, 'sent'), {
      url: `${PUBLIC_URL}/api/webhooks/tribopay/`,
    });
    expect(reply.status).toBe(403);
  });

  test('a forwarded Host header does not change the URL that is verified', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(
      server,
      callbackFields(sms.twilioSid!, 'sent'),
      { url: `https://attacker.example${STATUS_CALLBACK_PATH}` },
      STATUS_CALLBACK_PATH,
      { headers: { 'X-Forwarded-Host': 'attacker.example', 'X-Forwarded-Proto': 'https' } },
    );
    expect(reply.status).toBe(403);
  });

  test('a signature made with another auth token is refused', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(server, callbackFields(sms.twilioSid!, 'sent'), {
      token: 'not-our-auth-token',
    });
    expect(reply.status).toBe(403);
  });

  test('the query string Twilio called is part of what is verified', async () => {
    const sms = await acceptedSms(testDb.db);
    const path = `${STATUS_CALLBACK_PATH}?attempt=1`;
    const fields = callbackFields(sms.twilioSid!, 'sent');
    const withoutQuery = await postCallback(
      server,
      fields,
      { url: PUBLIC_URL + STATUS_CALLBACK_PATH },
      path,
    );
    expect(withoutQuery.status).toBe(403);
    const withQuery = await postCallback(server, fields, {}, path);
    expect(withQuery.json).toEqual({ recorded: true });
  });

  test('the signature the twilio package computes is what validateRequest accepts for the same URL', () => {
    // Pins the fixture itself: the route's 200s above rest on this pairing.
    const fields = callbackFields(newSid(), 'sent');
    const url = PUBLIC_URL + STATUS_CALLBACK_PATH;
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, fields);
    expect(twilio.validateRequest(AUTH_TOKEN, signature, url, fields)).toBe(true);
    expect(
      twilio.validateRequest(AUTH_TOKEN, signature, url, { ...fields, MessageStatus: 'delivered' }),
    ).toBe(false);
  });

  test('without Twilio configured, a callback is refused with 403, not 500', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(unconfigured, callbackFields(sms.twilioSid!, 'delivered'));
    expect(reply.status).toBe(403);
    expect(reply.json.error.message).toMatch(/not configured/);
    expect((await smsRow(testDb.db, sms)).status).toBe('queued');
  });
});

describe('Twilio status callback bodies', () => {
  test('a body that is not form-encoded is refused with 415', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(
      server,
      callbackFields(sms.twilioSid!, 'sent'),
      {},
      STATUS_CALLBACK_PATH,
      {
        contentType: 'application/json',
      },
    );
    expect(reply.status).toBe(415);
  });

  test('a signed callback without a MessageSid is answered 422, naming the field', async () => {
    const fields = callbackFields(newSid(), 'sent');
    delete (fields as Partial<typeof fields>).MessageSid;
    const reply = await postCallback(server, fields);
    expect(reply.status).toBe(422);
    expect(reply.json.error.issues).toEqual([expect.objectContaining({ path: 'MessageSid' })]);
  });

  test('a callback for a SID we never sent is answered 200 with recorded false, so Twilio stops', async () => {
    const reply = await postCallback(server, callbackFields(newSid(), 'delivered'));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ recorded: false });
  });

  test('a status outside the SMS path (WhatsApp read) is answered without being recorded', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(server, callbackFields(sms.twilioSid!, 'read'));
    expect(reply.json).toEqual({ recorded: false });
    expect((await smsRow(testDb.db, sms)).status).toBe('queued');
  });

  test('the form content type is matched with its charset parameter', async () => {
    const sms = await acceptedSms(testDb.db);
    const reply = await postCallback(
      server,
      callbackFields(sms.twilioSid!, 'sent'),
      {},
      STATUS_CALLBACK_PATH,
      {
        contentType: `${FORM}; charset=utf-8`,
      },
    );
    expect(reply.json).toEqual({ recorded: true });
  });
});

describe('Twilio status callbacks in order, on PostgreSQL', () => {
  test('a late sent never overwrites delivered', async () => {
    const sms = await acceptedSms(testDb.db);
    expect((await postCallback(server, callbackFields(sms.twilioSid!, 'delivered'))).json).toEqual({
      recorded: true,
    });
    const delivered = await smsRow(testDb.db, sms);
    expect((await postCallback(server, callbackFields(sms.twilioSid!, 'sent'))).json).toEqual({
      recorded: false,
    });
    const after = await smsRow(testDb.db, sms);
    expect(after.status).toBe('delivered');
    expect(after.deliveredAt).toEqual(delivered.deliveredAt);
    expect(after.sentAt).toEqual(sms.sentAt);
  });

  test('sent then delivered moves the message forward and stamps delivered_at', async () => {
    const sms = await acceptedSms(testDb.db);
    await postCallback(server, callbackFields(sms.twilioSid!, 'sent'));
    expect((await smsRow(testDb.db, sms)).deliveredAt).toBeNull();
    await postCallback(server, callbackFields(sms.twilioSid!, 'delivered'));
    const row = await smsRow(testDb.db, sms);
    expect(row.status).toBe('delivered');
    expect(row.deliveredAt).toBeInstanceOf(Date);
  });

  test('a repeated callback is recorded once and changes nothing afterwards', async () => {
    const sms = await acceptedSms(testDb.db);
    const fields = callbackFields(sms.twilioSid!, 'delivered');
    expect((await postCallback(server, fields)).json).toEqual({ recorded: true });
    const first = await smsRow(testDb.db, sms);
    for (let i = 0; i < 3; i += 1) {
      const reply = await postCallback(server, fields);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ recorded: false });
    }
    expect(await smsRow(testDb.db, sms)).toEqual(first);
  });

  test('undelivered with ErrorCode 30006 (landline) is recorded with its code and never changes again', async () => {
    const sms = await acceptedSms(testDb.db);
    await postCallback(server, callbackFields(sms.twilioSid!, 'sent'));
    await postCallback(
      server,
      callbackFields(sms.twilioSid!, 'undelivered', { ErrorCode: '30006' }),
    );
    expect(await smsRow(testDb.db, sms)).toMatchObject({
      status: 'undelivered',
      errorCode: 30006,
      deliveredAt: null,
    });
    expect((await postCallback(server, callbackFields(sms.twilioSid!, 'delivered'))).json).toEqual({
      recorded: false,
    });
    expect(await smsRow(testDb.db, sms)).toMatchObject({
      status: 'undelivered',
      errorCode: 30006,
      deliveredAt: null,
    });
  });

  test('failed with its error code is final too', async () => {
    const sms = await acceptedSms(testDb.db);
    await postCallback(server, callbackFields(sms.twilioSid!, 'failed', { ErrorCode: '30008' }));
    await postCallback(
      server,
      callbackFields(sms.twilioSid!, 'undelivered', { ErrorCode: '30006' }),
    );
    expect(await smsRow(testDb.db, sms)).toMatchObject({ status: 'failed', errorCode: 30008 });
  });

  test('the price is recorded when Twilio includes it', async () => {
    const sms = await acceptedSms(testDb.db);
    await postCallback(
      server,
      callbackFields(sms.twilioSid!, 'delivered', { Price: '-0.00750', PriceUnit: 'USD' }),
    );
    expect(await smsRow(testDb.db, sms)).toMatchObject({
      status: 'delivered',
      price: '-0.00750',
      priceUnit: 'USD',
    });
  });

  test('callbacks racing each other end on the furthest status', async () => {
    const sms = await acceptedSms(testDb.db);
    const statuses = [
      'delivered',
      'sent',
      'sending',
      'queued',
      'sent',
      'delivered',
      'sending',
      'sent',
    ];
    const replies = await Promise.all(
      [...statuses, ...statuses].map((status) =>
        postCallback(server, callbackFields(sms.twilioSid!, status)),
      ),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect((await smsRow(testDb.db, sms)).status).toBe('delivered');
  });
});
