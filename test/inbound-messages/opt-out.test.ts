import { isOptOutReply } from '../../src/inbound-messages/opt-out';
import { INBOUND_PATH } from '../../src/http/routes/twilio-inbound';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { callbackApp, newSid, postCallback } from '../sms-status/callbacks';
import type { SuppressedNumberRow } from '../../src/db/rows';

describe('opt-out replies', () => {
  test.each([
    'PARE',
    'pare',
    'Pare!',
    ' SAIR ',
    'sair.',
    'STOP',
    'Stop!!',
    'cancelar',
    'CANCELÁR',
    'Parar',
    'descadastrar',
  ])('"%s" opts out', (body) => expect(isOptOutReply(body)).toBe(true));

  test.each(['não pare', 'paguei', 'quero pagar, pare de mandar depois', '', 'OK'])(
    '"%s" does not',
    (body) => expect(isOptOutReply(body)).toBe(false),
  );
});

describe('POST /api/webhooks/twilio/inbound/', () => {
  let testDb: TestDb;
  let server: TestServer;
  const phone = '+5511987650099';

  beforeAll(async () => {
    testDb = await pgTestDb();
    server = await serve(callbackApp(testDb.db));
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    await testDb?.drop();
  });

  const suppressed = async (number: string) =>
    testDb.db<SuppressedNumberRow>('suppressed_numbers').where({ phone_e164: number }).first();

  test('a signed "Pare!" puts the number on the suppression list and answers a TwiML confirmation', async () => {
    const reply = await postCallback(
      server,
      { From: phone, Body: 'Pare!', MessageSid: 'SM1' },
      {},
      INBOUND_PATH,
    );
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(/^<\?xml.*<Response><Message>.+<\/Message><\/Response>$/);
    expect(await suppressed(phone)).toMatchObject({ reason: 'opt_out_reply', detail: 'Pare!' });
  });

  test('any other reply changes nothing and answers an empty TwiML response', async () => {
    const other = '+5511987650098';
    const reply = await postCallback(
      server,
      { From: other, Body: 'ja paguei', MessageSid: 'SM2' },
      {},
      INBOUND_PATH,
    );
    expect(reply.text).toContain('<Response></Response>');
    expect(await suppressed(other)).toBeUndefined();
  });

  test('an unsigned reply is refused with 403 and suppresses nothing', async () => {
    const other = '+5511987650097';
    const reply = await postCallback(
      server,
      { From: other, Body: 'STOP' },
      { signature: null },
      INBOUND_PATH,
    );
    expect(reply.status).toBe(403);
    expect(await suppressed(other)).toBeUndefined();
  });

  test('a replayed signed "PARE" (same MessageSid) does not re-suppress a number an operator released', async () => {
    const number = '+5511987650096';
    const fields = { From: number, Body: 'PARE', MessageSid: newSid() };
    const first = await postCallback(server, fields, {}, INBOUND_PATH);
    expect(first.text).toContain('<Message>');
    await testDb.db('suppressed_numbers').where({ phone_e164: number }).delete();

    const replay = await postCallback(server, fields, {}, INBOUND_PATH);
    expect(replay.status).toBe(200);
    expect(replay.text).toContain('<Response></Response>');
    expect(await suppressed(number)).toBeUndefined();
  });

  test('a reply without a MessageSid is refused with 422 and suppresses nothing', async () => {
    const number = '+5511987650095';
    const reply = await postCallback(server, { From: number, Body: 'PARE' }, {}, INBOUND_PATH);
    expect(reply.status).toBe(422);
    expect(await suppressed(number)).toBeUndefined();
  });
});
