import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { secretsMatch } from '../../../http/secrets';
import { assertLoopback, listen, send, sleep } from '../../emulator-server';
import { TRIBOPAY_TOKEN_PARAM, TRIBOPAY_TRANSACTION_PATH } from '../status-source';
import type {
  StatusRequest,
  TribopayEmulator,
  TribopayEmulatorOptions,
  TribopayFault,
} from './types';

/** Where the real API lives under its host, so a configured URL looks like the real one. */
const BASE_PATH = '/api/public/v1';
export const DEV_TRIBOPAY_TOKEN = 'tribopay-emulator-dev-api-token';

/** `/api/public/v1/transactions/{id}`, built from the client's own path so they can't drift. */
const TRANSACTION_ROUTE = new RegExp(
  `^${BASE_PATH}${TRIBOPAY_TRANSACTION_PATH.replace('{id}', '([^/]+)')}$`,
);

interface State {
  token: string;
  statuses: Map<string, string>;
  faults: TribopayFault[];
  requests: StatusRequest[];
  /** Delayed answers still pending, released on close so it never waits them out. */
  sleepers: Set<() => void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body));
}

async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const match = TRANSACTION_ROUTE.exec(url.pathname);
  if (!match) return sendJson(res, 404, { message: `no route ${url.pathname}` });
  if (req.method !== 'GET') return sendJson(res, 405, { message: 'method not allowed' });
  const paymentId = decodeURIComponent(match[1]);
  const tokenValid = secretsMatch(url.searchParams.get(TRIBOPAY_TOKEN_PARAM) ?? '', state.token);
  state.requests.push({ paymentId, tokenValid, at: new Date() });
  const fault = state.faults.shift();
  if (fault?.kind === 'drop') return void res.destroy();
  if (fault?.kind === 'answer') return send(res, fault.httpStatus, fault.body);
  if (fault?.kind === 'delay') await sleep(state, fault.ms);
  if (!tokenValid) return sendJson(res, 401, { message: 'Unauthenticated.' });
  const status = state.statuses.get(paymentId);
  if (status === undefined) return sendJson(res, 404, { message: 'transaction not found' });
  sendJson(res, 200, { hash: paymentId, status, payment_method: 'pix' });
}

/**
 * A loopback stand-in for TriboPay's transaction API, driven from tests: statuses to
 * report, faults to meet, and a record of every request and whether its token was right.
 */
export async function startTribopayEmulator(
  opts: TribopayEmulatorOptions = {},
): Promise<TribopayEmulator> {
  const host = opts.host ?? '127.0.0.1';
  assertLoopback('TriboPay', host);
  const state: State = {
    token: opts.token ?? DEV_TRIBOPAY_TOKEN,
    statuses: new Map(),
    faults: [],
    requests: [],
    sleepers: new Set(),
  };
  const server = createServer((req, res) => void handle(state, req, res));
  const { address, family, port } = await listen(server, opts.port ?? 0, host);
  const origin = family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    url: `${origin}${BASE_PATH}`,
    token: state.token,
    setStatus: (paymentId, rawStatus) => void state.statuses.set(paymentId, rawStatus),
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i += 1) state.faults.push(fault);
    },
    requests: () => state.requests.map((r) => ({ ...r })),
    reset() {
      state.statuses.clear();
      state.faults = [];
      state.requests = [];
    },
    close: () =>
      (closing ??= new Promise((resolve, reject) => {
        for (const wake of [...state.sleepers]) wake();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
  };
}
