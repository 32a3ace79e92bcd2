/**
 * The TriboPay status client against the emulator: how each answer (and each way of not
 * answering) becomes a status or a StatusCheckError, and that the token stays out of errors.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config';
import {
  createPaymentStatusSources,
  StatusCheckError,
  type CheckFailure,
  type PaymentStatusSource,
} from '../../../src/source-of-truth';
import {
  startTribopayEmulator,
  type TribopayEmulator,
} from '../../../src/gateways/tribopay/emulator';
import { freePort } from '../../helpers/ports';

const TIMEOUT_MS = 250;

let emulator: TribopayEmulator;
let source: PaymentStatusSource;

beforeAll(async () => {
  emulator = await startTribopayEmulator();
  // The process's first fetch loads its HTTP client, which can take longer than TIMEOUT_MS
  // while other suites start beside this one; the tests are about the answers.
  await sourceFor(emulator.url, emulator.token, '10s')
    .currentStatus('warm-up')
    .catch(() => undefined);
});
afterAll(() => emulator?.close());
beforeEach(() => {
  emulator.reset();
  source = sourceFor(emulator.url, emulator.token);
});

function sourceFor(url: string, token: string, timeout = `${TIMEOUT_MS}ms`): PaymentStatusSource {
  const sources = createPaymentStatusSources(
    loadConfig({ TRIBOPAY_API_URL: url, TRIBOPAY_API_TOKEN: token, TRIBOPAY_API_TIMEOUT: timeout }),
  );
  return sources.tribopay!;
}

/** The StatusCheckError a check ends in; fails the test if it answers instead. */
async function failureOf(check: Promise<unknown>): Promise<StatusCheckError> {
  const outcome = await check.then(
    (answer) => new Error(`expected a StatusCheckError, got ${JSON.stringify(answer)}`),
    (err: unknown) => err,
  );
  if (outcome instanceof StatusCheckError) return outcome;
  throw outcome;
}

describe("TriboPay's status vocabulary, read back from its API", () => {
  const cases: [string, string][] = [
    ['waiting_payment', 'waiting'],
    ['waiting', 'waiting'],
    ['pending', 'waiting'],
    ['paid', 'paid'],
    ['authorized', 'paid'],
    ['PAID', 'paid'],
    ['refused', 'refused'],
    ['canceled', 'cancelled'],
    ['cancelled', 'cancelled'],
    ['refunded', 'refunded'],
    ['chargedback', 'chargedback'],
    ['antifraud', 'other'],
  ];

  test.each(cases)('%s is %s', async (rawStatus, status) => {
    emulator.setStatus('tx-1', rawStatus);
    await expect(source.currentStatus('tx-1')).resolves.toEqual({ status, rawStatus });
  });
});

describe('a status request', () => {
  test('names the payment in the path and carries the token', async () => {
    emulator.setStatus('tx 1/ä', 'paid');
    await expect(source.currentStatus('tx 1/ä')).resolves.toMatchObject({ status: 'paid' });
    expect(emulator.requests()).toEqual([
      { paymentId: 'tx 1/ä', tokenValid: true, at: expect.any(Date) },
    ]);
  });

  test('reads a status wrapped in data, or spelled payment_status', async () => {
    const answers = [
      { data: { status: 'paid' } },
      { data: { payment_status: 'refunded' } },
      { payment_status: 'waiting_payment' },
      { success: true, status: true, data: { status: 'authorized', amount: 4990 } },
    ];
    for (const answer of answers)
      emulator.failNext({ kind: 'answer', httpStatus: 200, body: JSON.stringify(answer) });
    const statuses = [];
    for (let i = 0; i < answers.length; i += 1)
      statuses.push((await source.currentStatus('tx-2')).status);
    expect(statuses).toEqual(['paid', 'refunded', 'waiting', 'paid']);
  });

  test('a base URL with a trailing slash reaches the same path', async () => {
    emulator.setStatus('tx-3', 'paid');
    const slashed = sourceFor(`${emulator.url}/`, emulator.token);
    await expect(slashed.currentStatus('tx-3')).resolves.toMatchObject({ status: 'paid' });
  });
});

describe('no clear answer is a StatusCheckError naming why', () => {
  const cases: [string, CheckFailure, (e: TribopayEmulator) => void][] = [
    ['HTTP 500', 'http_error', (e) => e.failNext({ kind: 'answer', httpStatus: 500, body: '' })],
    ['HTTP 429', 'http_error', (e) => e.failNext({ kind: 'answer', httpStatus: 429, body: '{}' })],
    ['an unknown transaction (404)', 'not_found', () => undefined],
    [
      'a body that is not JSON',
      'bad_response',
      (e) => e.failNext({ kind: 'answer', httpStatus: 200, body: '<html>oops</html>' }),
    ],
    [
      'JSON without a status',
      'bad_response',
      (e) => e.failNext({ kind: 'answer', httpStatus: 200, body: '{"hash":"tx-4"}' }),
    ],
    [
      'a JSON array',
      'bad_response',
      (e) => e.failNext({ kind: 'answer', httpStatus: 200, body: '[{"status":"paid"}]' }),
    ],
    ['a dropped connection', 'unreachable', (e) => e.failNext({ kind: 'drop' })],
  ];

  test.each(cases)('%s: %s', async (_what, failure, arrange) => {
    arrange(emulator);
    const error = await failureOf(source.currentStatus('tx-4'));
    expect(error.failure).toBe(failure);
    expect(error.message).not.toContain(emulator.token);
  });

  test('a refused token is unauthorized, and the message says which variable to check', async () => {
    emulator.setStatus('tx-5', 'paid');
    const wrongToken = 'not-the-token-tribopay-issued';
    const error = await failureOf(sourceFor(emulator.url, wrongToken).currentStatus('tx-5'));
    expect(error.failure).toBe('unauthorized');
    expect(error.message).toContain('TRIBOPAY_API_TOKEN');
    expect(error.message).not.toContain(wrongToken);
    expect(emulator.requests()).toMatchObject([{ paymentId: 'tx-5', tokenValid: false }]);
  });

  test('an answer slower than TRIBOPAY_API_TIMEOUT is a timeout, given up on in time', async () => {
    emulator.setStatus('tx-6', 'paid');
    emulator.failNext({ kind: 'delay', ms: 5_000 });
    const started = Date.now();
    const error = await failureOf(source.currentStatus('tx-6'));
    expect(error.failure).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  test('nothing listening is unreachable, named by its error code', async () => {
    const closed = sourceFor(`http://127.0.0.1:${await freePort()}/api/public/v1`, 'token-x');
    const error = await failureOf(closed.currentStatus('tx-7'));
    expect(error.failure).toBe('unreachable');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('token-x');
  });
});

describe('a payment id or an answer that would lead the request elsewhere', () => {
  test.each(['.', '..'])(
    'the id "%s" is refused (invalid_id), and nothing is asked',
    async (id) => {
      const error = await failureOf(source.currentStatus(id));
      expect(error.failure).toBe('invalid_id');
      expect(emulator.requests()).toEqual([]);
    },
  );

  test('a redirect is not followed, so the token never reaches where it points', async () => {
    const seen: string[] = [];
    const elsewhere = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end('{"status":"paid"}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
    const redirecting = http.createServer((_req, res) => {
      res.writeHead(302, { Location: target });
      res.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const port = (redirecting.address() as AddressInfo).port;
      const error = await failureOf(
        sourceFor(`http://127.0.0.1:${port}/api`, 'secret-token-1').currentStatus('tx-1'),
      );
      expect(error.failure).toBe('http_error');
      expect(error.message).not.toContain('secret-token-1');
      expect(seen).toEqual([]);
    } finally {
      await new Promise((resolve) => redirecting.close(resolve));
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });
});

describe('which gateways have a source', () => {
  test('none while TRIBOPAY_API_TOKEN is unset, even with TRIBOPAY_API_URL given', () => {
    const config = loadConfig({ TRIBOPAY_API_URL: emulator.url, TRIBOPAY_API_TIMEOUT: '1s' });
    expect(createPaymentStatusSources(config)).toEqual({});
  });

  test('TriboPay only, once the token is set', () => {
    const config = loadConfig({ TRIBOPAY_API_TOKEN: emulator.token });
    expect(Object.keys(createPaymentStatusSources(config))).toEqual(['tribopay']);
  });
});
