import { createTwilioClient, type TwilioClient } from '../../src/sms/twilio-client';
import {
  MESSAGING_SERVICE_FROM,
  startTwilioEmulator,
  type TwilioEmulator,
} from '../../src/twilio-emulator';

const FROM = '+15005550001';
const CUSTOMER = '+5521987654321';
const OTHER = '+5511912345678';

let emulator: TwilioEmulator;
let client: TwilioClient;

beforeEach(async () => {
  emulator = await startTwilioEmulator({ port: 0 });
  client = createTwilioClient({ ...emulator, apiUrl: emulator.url });
});
afterEach(() => emulator.close());

async function sendMany(to: string, count: number): Promise<string[]> {
  const sids: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    sids.push((await client.messages.create({ to, from: FROM, body: `message ${i}` })).sid);
  }
  return sids;
}

/** The client's page links are optional; these fail loudly when one is missing. */
function follow<P>(link: Promise<P> | undefined): Promise<P> {
  if (!link) throw new Error('expected the page to link to another page');
  return link;
}
const next = <P>(page: { nextPage(): Promise<P> | undefined }) => follow(page.nextPage());
const previous = <P>(page: { previousPage(): Promise<P> | undefined }) =>
  follow(page.previousPage());

test('a created message comes back queued with every field of the Twilio Message resource', async () => {
  const created = await client.messages.create({
    to: CUSTOMER,
    from: FROM,
    body: 'Seu PIX expira em breve',
  });

  expect(created.sid).toMatch(/^SM[0-9a-f]{32}$/);
  expect(created).toMatchObject({
    accountSid: emulator.accountSid,
    to: CUSTOMER,
    from: FROM,
    body: 'Seu PIX expira em breve',
    status: 'queued',
    numSegments: '1',
    direction: 'outbound-api',
    price: null,
    errorCode: null,
    apiVersion: '2010-04-01',
    messagingServiceSid: null,
    uri: `/2010-04-01/Accounts/${emulator.accountSid}/Messages/${created.sid}.json`,
  });
  expect(created.dateCreated).toBeInstanceOf(Date);
  expect(Math.abs(created.dateCreated.getTime() - Date.now())).toBeLessThan(5_000);
  expect(created.dateSent).toBeNull();
});

test('a fetched message has been sent and delivered', async () => {
  const created = await client.messages.create({ to: CUSTOMER, from: FROM, body: 'Olá' });

  const fetched = await client.messages(created.sid).fetch();

  expect(fetched).toMatchObject({
    sid: created.sid,
    to: CUSTOMER,
    body: 'Olá',
    status: 'delivered',
  });
  expect(fetched.dateSent).toBeInstanceOf(Date);
});

test('the emulator records each accepted message with its form params and arrival time', async () => {
  const before = Date.now();
  const created = await client.messages.create({ to: CUSTOMER, from: FROM, body: 'Oi' });

  const [recorded] = emulator.messages();
  expect(recorded).toMatchObject({ sid: created.sid, to: CUSTOMER, from: FROM, body: 'Oi' });
  expect(recorded.params).toEqual({ To: CUSTOMER, From: FROM, Body: 'Oi' });
  expect(recorded.receivedAt.getTime()).toBeGreaterThanOrEqual(before);
});

test('fetching an unknown sid is a 404 with Twilio code 20404', async () => {
  const missing = client.messages(`SM${'0'.repeat(32)}`).fetch();

  await expect(missing).rejects.toMatchObject({ status: 404, code: 20404 });
});

test('listing by To returns only that number, newest first', async () => {
  const mine = await sendMany(CUSTOMER, 3);
  await sendMany(OTHER, 2);

  const listed = await client.messages.list({ to: CUSTOMER, limit: 20 });

  expect(listed.map((m) => m.sid)).toEqual([...mine].reverse());
});

test('listing with a small page size walks every page until the limit', async () => {
  const sids = await sendMany(CUSTOMER, 7);

  const all = await client.messages.list({ to: CUSTOMER, pageSize: 3 });
  const firstFive = await client.messages.list({ to: CUSTOMER, pageSize: 2, limit: 5 });

  expect(all.map((m) => m.sid)).toEqual([...sids].reverse());
  expect(firstFive.map((m) => m.sid)).toEqual([...sids].reverse().slice(0, 5));
});

test('pages hold page-size messages and the last page has no next page', async () => {
  await sendMany(CUSTOMER, 5);

  const first = await client.messages.page({ to: CUSTOMER, pageSize: 2 });
  const second = await next(first);
  const third = await next(second);

  expect([first, second, third].map((p) => p.instances.map((m) => m.body))).toEqual([
    ['message 5', 'message 4'],
    ['message 3', 'message 2'],
    ['message 1'],
  ]);
  expect(third.nextPageUrl).toBeUndefined();
  expect((await previous(third)).instances.map((m) => m.body)).toEqual(['message 3', 'message 2']);
});

test('a message created while paging neither repeats nor hides older messages', async () => {
  await sendMany(CUSTOMER, 4);

  const first = await client.messages.page({ to: CUSTOMER, pageSize: 2 });
  await client.messages.create({ to: CUSTOMER, from: FROM, body: 'late arrival' });
  const second = await next(first);

  expect(second.instances.map((m) => m.body)).toEqual(['message 2', 'message 1']);
});

test('DateSent filters match on the second the message was sent', async () => {
  const [sid] = await sendMany(CUSTOMER, 1);
  const { dateSent } = await client.messages(sid).fetch();
  const aMinuteAgo = new Date(Date.now() - 60_000);

  const after = await client.messages.list({ to: CUSTOMER, dateSentAfter: aMinuteAgo });
  const before = await client.messages.list({ to: CUSTOMER, dateSentBefore: aMinuteAgo });
  const atThatSecond = await client.messages.list({ dateSent });
  const aMinuteEarlier = await client.messages.list({ dateSent: aMinuteAgo });

  expect(after.map((m) => m.sid)).toEqual([sid]);
  expect(before).toEqual([]);
  expect(atThatSecond.map((m) => m.sid)).toEqual([sid]);
  expect(aMinuteEarlier).toEqual([]);
});

test('a Messaging Service can stand in for From', async () => {
  const messagingServiceSid = `MG${'a'.repeat(32)}`;

  const created = await client.messages.create({ to: CUSTOMER, messagingServiceSid, body: 'Oi' });

  expect(created).toMatchObject({ messagingServiceSid, from: MESSAGING_SERVICE_FROM });
  expect(emulator.messages()[0].params).toMatchObject({ MessagingServiceSid: messagingServiceSid });
});

test('one accented character makes a 71-character body cost two UCS-2 segments', async () => {
  const gsm = await client.messages.create({ to: CUSTOMER, from: FROM, body: 'a'.repeat(160) });
  const ucs2 = await client.messages.create({
    to: CUSTOMER,
    from: FROM,
    body: `ã${'a'.repeat(70)}`,
  });

  expect([gsm.numSegments, ucs2.numSegments]).toEqual(['1', '2']);
});
