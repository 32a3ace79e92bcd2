/**
 * The API as an attacker meets it: real HTTP on the production server settings (short
 * request timeout, a connection cap), real PostgreSQL, a worker under Temporal's
 * time-skipping server and the Twilio emulator. Whatever is sent: no 5xx, no SMS where
 * none is due, nothing acknowledged that wasn't stored, nothing unmasked in any list.
 */
import net from 'node:net';
import pino from 'pino';
import twilio from 'twilio';
import { BRAZIL_ONLY } from '../../src/domain/phone';
import { INBOUND_PATH } from '../../src/http/routes/twilio-inbound';
import { recoveryWorkflowId, type RecoveryState } from '../../workflows/definitions';
import {
  startRecoveryStack,
  WEBHOOK_SECRET,
  type RecoveryStack,
} from '../sms-status/recovery-stack';
import { call } from '../monitoring/app';
import { newPaymentId } from './webhook-payloads';

const API_TOKEN = 'monitoring-test-token-0123456789';
const TRUSTED_HOST = 'pay.example.com';
/** The example payload of the BR Code manual (Banco Central do Brasil): CRC 1D3D. */
const BR_CODE =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const REQUEST_TIMEOUT_MS = 1_000;
const MAX_CONNECTIONS = 20;

let stack: RecoveryStack;
const logLines: string[] = [];
/** Every number this suite makes the service see, to look for in the lists at the end. */
const phonesUsed = new Set<string>();
let phoneSeq = 0;

beforeAll(async () => {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  stack = await startRecoveryStack('hostile-input', {
    app: {
      logger,
      apiToken: API_TOKEN,
      recipients: { allowedCountries: BRAZIL_ONLY, checkoutLinkHosts: [TRUSTED_HOST] },
    },
    http: { requestTimeoutMs: REQUEST_TIMEOUT_MS, maxConnections: MAX_CONNECTIONS },
  });
}, 60_000);

afterAll(() => stack?.close());

/** A Brazilian mobile of its own for each test, in E.164 and as a customer types it. */
function newMobile(): { e164: string; typed: string } {
  phoneSeq += 1;
  const line = String(87654300 + phoneSeq).padStart(8, '0');
  const e164 = `+55219${line}`;
  phonesUsed.add(e164);
  return { e164, typed: `(21) 9${line.slice(0, 4)}-${line.slice(4)}` };
}

interface Posted {
  status: number;
  json: {
    outcome?: string;
    eventId?: number;
    reason?: string;
    workflowId?: string;
    error?: { message: string };
  };
}

async function post(
  gateway: 'tribopay' | 'ghostpay',
  body: unknown,
  auth: { header?: string | null; query?: string } = {},
): Promise<Posted> {
  const token = auth.header === undefined ? WEBHOOK_SECRET : auth.header;
  const query = auth.query === undefined ? '' : `?token=${encodeURIComponent(auth.query)}`;
  const res = await fetch(`${stack.apiUrl}/api/webhooks/${gateway}/${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { 'x-webhook-token': token }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const posted = { status: res.status, json: (await res.json()) as Posted['json'] };
  await assertStoredIfAcknowledged(posted);
  return posted;
}

/** A 2xx names the stored event: it must be there. */
async function assertStoredIfAcknowledged(posted: Posted): Promise<void> {
  expect(posted.status).toBeLessThan(500);
  if (posted.status >= 300) return;
  expect(posted.json.eventId).toEqual(expect.any(Number));
  const row = await stack.testDb.db('webhook_events').where({ id: posted.json.eventId }).first();
  expect(row).toBeDefined();
}

function ghostpayBody(sale: {
  id?: string;
  phone?: string;
  name?: string;
  checkoutUrl?: string;
  pixCode?: string;
}) {
  return {
    paymentId: sale.id ?? newPaymentId('hostile'),
    status: 'PENDING',
    paymentMethod: 'PIX',
    totalValue: 100,
    customer: { name: sale.name ?? 'Cliente', phone: sale.phone ?? newMobile().typed },
    ...(sale.checkoutUrl ? { checkoutUrl: sale.checkoutUrl } : {}),
    ...(sale.pixCode ? { pixCode: sale.pixCode } : {}),
  };
}

const recoveryOf = (paymentId: string) =>
  stack.env.client.workflow
    .getHandle<() => Promise<RecoveryState>>(recoveryWorkflowId('ghostpay', paymentId))
    .result();

const smsTo = (e164: string) => stack.emulator.messages().filter((m) => m.to === e164);

const normalizedOf = async (eventId: number | undefined) => {
  const row = await stack.testDb.db('webhook_events').where({ id: eventId }).first();
  return JSON.parse(String(row.normalized)) as Record<string, unknown>;
};

const errorLogs = () => logLines.filter((line) => JSON.parse(line).level >= 50);

/** One raw HTTP/1.1 exchange: the status code of the first answer, or null if none came. */
function rawRequest(text: string, waitMs = 2_000): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(stack.apiUrl).port), '127.0.0.1');
    let received = '';
    const done = () => {
      socket.destroy();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve(match ? Number(match[1]) : null);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.setTimeout(waitMs, done);
    socket.write(text);
  });
}

describe('webhook authentication', () => {
  test('a webhook without the token, or with a wrong one, is refused (401) and stores nothing', async () => {
    const body = ghostpayBody({});
    const none = await post('ghostpay', body, { header: null });
    const wrong = await post('ghostpay', body, { header: 'not-the-webhook-secret' });
    const wrongQuery = await post('ghostpay', body, { header: null, query: 'nope-nope-nope' });
    expect([none.status, wrong.status, wrongQuery.status]).toEqual([401, 401, 401]);
    const stored = await stack.testDb.db('webhook_events').where({ payment_id: body.paymentId });
    expect(stored).toEqual([]);
  });

  test('?token= still works for gateways that cannot set headers, and is never logged', async () => {
    const posted = await post('ghostpay', ghostpayBody({}), {
      header: null,
      query: WEBHOOK_SECRET,
    });
    expect(posted.status).toBe(202);
    expect(logLines.join('\n')).not.toContain(WEBHOOK_SECRET);
  });
});

describe('who gets texted, and with which links', () => {
  test("the issue's forged webhook (foreign number, phishing link) is ignored: no workflow, no SMS", async () => {
    const paymentId = newPaymentId('open');
    phonesUsed.add('+447911123456');
    const posted = await post('ghostpay', {
      paymentId,
      status: 'PENDING',
      paymentMethod: 'PIX',
      totalValue: 100,
      customer: { name: 'Cliente', phone: '+44 7911 123456' },
      checkoutUrl: 'http://evil.example/pague-aqui',
    });
    expect(posted.json).toMatchObject({
      outcome: 'ignored: invalid phone',
      reason: 'country_not_allowed',
    });
    expect(posted.json.workflowId).toBeUndefined();
    await expect(
      stack.env.client.workflow.getHandle(recoveryWorkflowId('ghostpay', paymentId)).describe(),
    ).rejects.toThrow();
    expect(smsTo('+447911123456')).toEqual([]);
    expect((await normalizedOf(posted.json.eventId)).withheld).toEqual([
      { field: 'checkoutUrl', reason: 'not https' },
    ]);
  });

  test('an untrusted link and an invalid BR Code are withheld: the SMS goes without them and the event says why', async () => {
    const phone = newMobile();
    const body = ghostpayBody({
      phone: phone.typed,
      checkoutUrl: 'https://evil.example/pague-aqui',
      pixCode: BR_CODE.replace(/1D3D$/, '0000'),
    });
    const posted = await post('ghostpay', body);
    expect(posted.json.outcome).toBe('scheduled');
    await recoveryOf(body.paymentId);
    const [sms] = smsTo(phone.e164);
    expect(sms.body).not.toContain('evil.example');
    expect(sms.body).not.toContain('0002012658');
    expect((await normalizedOf(posted.json.eventId)).withheld).toEqual([
      { field: 'checkoutUrl', reason: 'host evil.example not in CHECKOUT_LINK_HOSTS' },
      { field: 'pixCode', reason: 'not a BR Code whose CRC16 checksum verifies' },
    ]);
  });

  test('an https link on a trusted host, or a valid BR Code, goes into the SMS', async () => {
    const [linked, coded] = [newMobile(), newMobile()];
    const link = `https://${TRUSTED_HOST}/c/${newPaymentId('c')}`;
    const withLink = ghostpayBody({ phone: linked.typed, checkoutUrl: link });
    const withCode = ghostpayBody({ phone: coded.typed, pixCode: BR_CODE });
    expect((await post('ghostpay', withLink)).json.outcome).toBe('scheduled');
    expect((await post('ghostpay', withCode)).json.outcome).toBe('scheduled');
    // One at a time: the time-skipping server skips ahead for whichever result is awaited.
    await recoveryOf(withLink.paymentId);
    await recoveryOf(withCode.paymentId);
    expect(smsTo(linked.e164)[0].body).toContain(link);
    expect(smsTo(coded.e164)[0].body).toContain(BR_CODE);
  });
});

describe('prototype keys in every field', () => {
  test.each(PROTOTYPE_KEYS)(
    '"%s" anywhere answers 2xx or 4xx and stores what it acknowledges',
    async (key) => {
      const phone = newMobile();
      const bodies: unknown[] = [
        { ...ghostpayBody({ phone: phone.typed }), status: key },
        { ...ghostpayBody({ phone: phone.typed }), paymentMethod: key },
        ghostpayBody({ phone: phone.typed, name: key, checkoutUrl: key, pixCode: key }),
        ghostpayBody({ phone: key }),
        ghostpayBody({ id: `${key}-${newPaymentId('proto')}`, phone: phone.typed }),
      ];
      for (const body of bodies) await post('ghostpay', body);
      for (const field of ['status', 'method'])
        await post('tribopay', {
          status: 'waiting_payment',
          method: 'pix',
          [field]: key,
          customer: { phone_number: phone.typed, name: key },
          transaction: { id: newPaymentId('proto') },
        });
      // As raw JSON, so `__proto__` is an own key of the parsed body, as JSON.parse makes it.
      const raw = `{"paymentId":"${newPaymentId('proto')}","status":"PENDING","paymentMethod":"PIX","${key}":{"status":"paid"},"customer":{"${key}":{"phone":"x"},"phone":"${phone.typed}"}}`;
      await post('ghostpay', raw);
    },
  );

  test('a status named constructor is recorded as an unknown word, not a 503 forever', async () => {
    const posted = await post('ghostpay', { ...ghostpayBody({}), status: 'constructor' });
    expect(posted.status).toBe(202);
    expect(posted.json.outcome).toBe('ignored: status not actionable');
    const row = await stack.testDb.db('webhook_events').where({ id: posted.json.eventId }).first();
    expect(row).toMatchObject({ payment_status: 'other', raw_status: 'constructor' });
  });

  test('/metrics labels stay within their vocabularies', async () => {
    const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(text).not.toMatch(/native code|function|\[object/);
  });

  test('monitoring queries with prototype keys are a 400 or an empty answer, never a 5xx', async () => {
    for (const key of PROTOTYPE_KEYS) {
      for (const path of [
        `/api/webhooks/events/?gateway=${key}`,
        `/api/webhooks/events/?payment_status=${key}&payment_method=${key}`,
        `/api/webhooks/sms-logs/?status=${key}`,
        `/api/webhooks/suppressions/?reason=${key}`,
        `/api/webhooks/payments/${key}/${key}/`,
        `/api/webhooks/events/${key}/`,
      ]) {
        const reply = await call(stack.apiUrl, path, { token: API_TOKEN });
        expect([path, reply.status < 500]).toEqual([path, true]);
      }
    }
  });
});

describe('huge free text', () => {
  test('a 900 KB name is clipped before the database and Temporal, and the customer still gets the SMS', async () => {
    const phone = newMobile();
    const body = ghostpayBody({ phone: phone.typed, name: 'A'.repeat(900_000) });
    const posted = await post('ghostpay', body);
    expect(posted.json.outcome).toBe('scheduled');
    await recoveryOf(body.paymentId);
    expect(smsTo(phone.e164).map((m) => m.body)).toEqual([expect.stringMatching(/^Oi! /)]);
    const row = await stack.testDb.db('webhook_events').where({ id: posted.json.eventId }).first();
    expect(row.customer_name).toHaveLength(256);
    const handle = stack.env.client.workflow.getHandle(
      recoveryWorkflowId('ghostpay', body.paymentId),
    );
    const history = await handle.fetchHistory();
    expect(JSON.stringify(history).length).toBeLessThan(100_000);
  });
});

describe('request targets', () => {
  test.each([
    'POST http://x:1/api/webhooks/twilio/inbound/ HTTP/1.1',
    'POST http://127.0.0.1:1/api/webhooks/tribopay/ HTTP/1.1',
    'GET //api/webhooks/health/ HTTP/1.1',
    'OPTIONS * HTTP/1.1',
  ])('"%s" answers 400, with nothing logged as an error', async (line) => {
    const before = errorLogs().length;
    const status = await rawRequest(
      `${line}\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    expect(status).toBe(400);
    expect(errorLogs().length).toBe(before);
  });
});

describe('uploads that never finish', () => {
  const metricsText = async () => (await fetch(`${stack.apiUrl}/metrics`)).text();
  const head = (length: number) =>
    `POST /api/webhooks/tribopay/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Webhook-Token: ${WEBHOOK_SECRET}\r\nContent-Length: ${length}\r\n\r\n`;

  test('an upload the client abandons counts as a client close: no 5xx, a debug line, no error', async () => {
    const before = errorLogs().length;
    const socket = net.connect(Number(new URL(stack.apiUrl).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(head(500_000) + '{"status":"'.padEnd(10_000, 'x'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const text = await metricsText();
    expect(text).toMatch(
      /webhooks_received_total\{gateway="tribopay",status="",outcome="client_closed"\} [1-9]/,
    );
    expect(text).not.toMatch(/webhook_duration_seconds_count\{[^}]*code="5\d\d"/);
    expect(errorLogs().length).toBe(before);
    expect(logLines.some((line) => line.includes('client closed the request'))).toBe(true);
  });

  test('a slow upload is cut off after the request timeout, without a 5xx or a stored event', async () => {
    const before = errorLogs().length;
    const paymentId = newPaymentId('slow');
    const started = Date.now();
    const status = await new Promise<number | null>((resolve) => {
      const socket = net.connect(Number(new URL(stack.apiUrl).port), '127.0.0.1');
      let received = '';
      const trickle = setInterval(() => socket.write(' '), 100);
      const done = () => {
        clearInterval(trickle);
        socket.destroy();
        resolve(/^HTTP\/1\.1 (\d{3})/.exec(received) ? Number(received.slice(9, 12)) : null);
      };
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('close', done);
      socket.on('error', done);
      socket.setTimeout(10_000, done);
      socket.write(head(100_000) + `{"transaction":{"id":"${paymentId}"}`);
    });
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
    expect(status === null || status < 500).toBe(true);
    expect(await stack.testDb.db('webhook_events').where({ payment_id: paymentId })).toEqual([]);
    expect(errorLogs().length).toBe(before);
  });

  test(`connections beyond the cap (${MAX_CONNECTIONS}) are dropped on arrival`, async () => {
    const port = Number(new URL(stack.apiUrl).port);
    const sockets = Array.from({ length: MAX_CONNECTIONS + 10 }, () =>
      net.connect(port, '127.0.0.1'),
    );
    let closedByServer = 0;
    for (const socket of sockets) {
      socket.on('close', () => (closedByServer += 1));
      socket.on('error', () => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const dropped = closedByServer;
    for (const socket of sockets) socket.destroy();
    expect(dropped).toBeGreaterThanOrEqual(10);
    expect(dropped).toBeLessThan(MAX_CONNECTIONS + 10);
    // Counted and logged, so an operator sees what the clients only saw as resets.
    const counted = stack.apiMetrics.registry.getSingleMetric(
      'pix_recovery_http_connections_dropped_total',
    );
    expect((await counted?.get())?.values[0]?.value).toBe(dropped);
    const warnings = logLines
      .map((line) => JSON.parse(line) as { level: number; msg: string; dropped?: number })
      .filter((line) => line.level === 40 && line.msg.includes('HTTP_MAX_CONNECTIONS'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0].msg).toContain(`(${MAX_CONNECTIONS}) were open`);
    expect(warnings.reduce((sum, w) => sum + (w.dropped ?? 0), 0)).toBeLessThanOrEqual(dropped);
  });
});

describe('Twilio inbound replies', () => {
  test('a replayed signed "PARE" does not re-suppress a number an operator released', async () => {
    const phone = newMobile();
    const fields = { From: phone.e164, Body: 'PARE', MessageSid: `SM${'ab'.repeat(16)}` };
    const url = `${stack.apiUrl}${INBOUND_PATH}`;
    const send = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(
            stack.emulator.authToken,
            url,
            fields,
          ),
        },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await send()).status).toBe(200);
    const release = await call(stack.apiUrl, '/api/webhooks/suppressions/lookup/', {
      token: API_TOKEN,
      body: { phone_number: phone.e164 },
    });
    const deleted = await call(stack.apiUrl, `/api/webhooks/suppressions/${release.json.id}/`, {
      token: API_TOKEN,
      method: 'DELETE',
    });
    expect(deleted.status).toBeLessThan(300);

    const replay = await send();
    expect(replay.status).toBe(200);
    const after = await stack.testDb.db('suppressed_numbers').where({ phone_e164: phone.e164 });
    expect(after).toEqual([]);
  });
});

describe('the lists', () => {
  test('mask every number, in Twilio error messages and suppression notes too', async () => {
    const [invalid, stopped] = [newMobile(), newMobile()];
    stack.emulator.failForNumber(invalid.e164, {
      kind: 'error',
      httpStatus: 400,
      code: 21211,
      message: `The 'To' number ${invalid.e164} is not a valid phone number.`,
    });
    stack.emulator.failForNumber(stopped.e164, {
      kind: 'error',
      httpStatus: 400,
      code: 21610,
      message: `Attempt to send to unsubscribed recipient ${stopped.e164}`,
    });
    const bodies = [ghostpayBody({ phone: invalid.typed }), ghostpayBody({ phone: stopped.typed })];
    for (const body of bodies)
      expect((await post('ghostpay', body)).json.outcome).toBe('scheduled');
    // A permanent Twilio error fails the workflow; the audit rows say what happened.
    for (const body of bodies) await recoveryOf(body.paymentId).catch(() => undefined);
    const failed = await stack.testDb
      .db('sms_messages')
      .whereIn('payment_id', [bodies[0].paymentId, bodies[1].paymentId])
      .pluck('error_code');
    expect(failed.sort()).toEqual([21211, 21610]);

    for (const path of [
      '/api/webhooks/sms-logs/?limit=200',
      '/api/webhooks/events/?limit=200',
      '/api/webhooks/suppressions/?limit=200',
    ]) {
      const reply = await call(stack.apiUrl, path, { token: API_TOKEN });
      expect(reply.status).toBe(200);
      for (const e164 of phonesUsed) {
        expect([path, reply.text.includes(e164)]).toEqual([path, false]);
        expect([path, reply.text.includes(e164.slice(3))]).toEqual([path, false]);
      }
    }
    const logs = await call(stack.apiUrl, '/api/webhooks/sms-logs/?status=failed', {
      token: API_TOKEN,
    });
    expect(logs.text).toContain('+55 21 9****-');
  });
});
