import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the next API request meets instead of the emulator's own answer: a canned HTTP answer
 * (5xx, a body that isn't JSON…), a delay before the real answer, or a dropped connection.
 */
export type EmulatorFault =
  | { kind: 'answer'; httpStatus: number; body: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };

/** One request an emulator received, as tests check it. */
export interface EmulatorRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  at: Date;
}

export interface JsonAnswer {
  status: number;
  body: unknown;
}

/** A gateway emulator's route table: the answer to one request, faults aside. */
export type EmulatorRoutes = (request: EmulatorRequest) => JsonAnswer;

export interface EmulatorServer {
  /** `http://127.0.0.1:<port>`, with no path. */
  origin: string;
  /** The next `times` requests meet `fault`, in the order queued. */
  failNext(fault: EmulatorFault, times?: number): void;
  requests(): EmulatorRequest[];
  /** Forgets queued faults and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

interface State {
  faults: EmulatorFault[];
  requests: EmulatorRequest[];
  /** Delayed answers still pending, released on close so it never waits them out. */
  sleepers: Set<() => void>;
}

/**
 * The HTTP side every gateway API emulator shares: loopback only, a record of each request,
 * faults queued by tests, and a close that never waits out a delayed answer.
 */
export async function startEmulatorServer(options: {
  name: string;
  routes: EmulatorRoutes;
  host?: string;
  port?: number;
}): Promise<EmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  assertLoopback(options.name, host);
  const state: State = { faults: [], requests: [], sleepers: new Set() };
  const server = createServer((req, res) => void handle(state, options.routes, req, res));
  const { address, family, port } = await listen(server, options.port ?? 0, host);
  let closing: Promise<void> | null = null;
  return {
    origin: family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`,
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i += 1) state.faults.push(fault);
    },
    requests: () => state.requests.map((r) => ({ ...r, headers: { ...r.headers } })),
    reset() {
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

async function handle(
  state: State,
  routes: EmulatorRoutes,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const request: EmulatorRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    headers: headersOf(req),
    at: new Date(),
  };
  state.requests.push(request);
  const fault = state.faults.shift();
  if (fault?.kind === 'drop') return void res.destroy();
  if (fault?.kind === 'answer') return send(res, fault.httpStatus, fault.body);
  if (fault?.kind === 'delay') await sleep(state, fault.ms);
  const answer = routes(request);
  send(res, answer.status, JSON.stringify(answer.body));
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** A JSON answer, unless the test already cut the connection. */
export function send(res: ServerResponse, status: number, payload: string): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** A delay that `close` can cut short: its wake-up waits in `sleepers` until then. */
export function sleep(state: { sleepers: Set<() => void> }, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      state.sleepers.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    state.sleepers.add(wake);
  });
}

export function assertLoopback(name: string, host: string): void {
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return;
  throw new Error(`the ${name} emulator binds to loopback only, not "${host}"`);
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
