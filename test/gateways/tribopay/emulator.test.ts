/** The TriboPay API emulator itself, driven over plain HTTP the way the client calls it. */
import {
  startTribopayEmulator,
  type TribopayEmulator,
} from '../../../src/gateways/tribopay/emulator';

let emulator: TribopayEmulator;

beforeEach(async () => {
  emulator = await startTribopayEmulator();
});
afterEach(() => emulator.close());

function get(paymentId: string, token = emulator.token, init: RequestInit = {}) {
  const url = `${emulator.url}/transactions/${encodeURIComponent(paymentId)}?api_token=${token}`;
  return fetch(url, init);
}

test('a known transaction is answered with its status, an unknown one with 404', async () => {
  emulator.setStatus('tx-1', 'waiting_payment');
  const known = await get('tx-1');
  expect(known.status).toBe(200);
  expect(await known.json()).toMatchObject({ hash: 'tx-1', status: 'waiting_payment' });
  expect((await get('tx-2')).status).toBe(404);
});

test('a wrong or missing token is refused with 401 and recorded as such', async () => {
  emulator.setStatus('tx-1', 'paid');
  expect((await get('tx-1', 'wrong')).status).toBe(401);
  expect((await fetch(`${emulator.url}/transactions/tx-1`)).status).toBe(401);
  expect(emulator.requests().map((r) => r.tokenValid)).toEqual([false, false]);
});

test('queued faults are met in order, once each, then the stored answer returns', async () => {
  emulator.setStatus('tx-1', 'paid');
  emulator.failNext({ kind: 'answer', httpStatus: 502, body: 'bad gateway' }, 2);
  emulator.failNext({ kind: 'answer', httpStatus: 200, body: 'not json' });
  const answers = [];
  for (let i = 0; i < 4; i += 1) {
    const res = await get('tx-1');
    answers.push([res.status, await res.text()]);
  }
  expect(answers.map(([status]) => status)).toEqual([502, 502, 200, 200]);
  expect(answers[2][1]).toBe('not json');
  expect(JSON.parse(answers[3][1] as string)).toMatchObject({ status: 'paid' });
});

test('only GET on a transaction path is served', async () => {
  expect((await get('tx-1', emulator.token, { method: 'POST' })).status).toBe(405);
  expect((await fetch(`${emulator.url}/balance`)).status).toBe(404);
  expect(emulator.requests()).toHaveLength(0);
});

test('reset forgets statuses, faults and requests', async () => {
  emulator.setStatus('tx-1', 'paid');
  emulator.failNext({ kind: 'drop' });
  await get('tx-1').catch(() => undefined);
  emulator.reset();
  expect(emulator.requests()).toEqual([]);
  expect((await get('tx-1')).status).toBe(404);
});

test('closing does not wait out a delayed answer', async () => {
  emulator.setStatus('tx-1', 'paid');
  emulator.failNext({ kind: 'delay', ms: 60_000 });
  const pending = get('tx-1').catch((err: unknown) => err);
  while (emulator.requests().length === 0) await new Promise((r) => setTimeout(r, 10));
  const started = Date.now();
  await emulator.close();
  expect(Date.now() - started).toBeLessThan(1_000);
  await pending;
});

test('it binds to loopback only', async () => {
  await expect(startTribopayEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
});
