import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api-routes';
import { createContext, resetContext, type EmulatorContext } from './context';
import { CONTROL_PREFIX, handleControl } from './control-routes';
import { apiErrors, TwilioApiError } from './errors';
import { BodyTooLargeError, sendJson } from './http-io';
import type { TwilioEmulator, TwilioEmulatorOptions } from './types';

/** A fixed, obviously fake account for local runs: "AC" + 32 hex characters. */
export const DEV_ACCOUNT_SID = 'AC00000000000000000000000000000000';

/**
 * A fresh auth token for each emulator, unless one is given: a token published in the
 * source would let anyone sign "Twilio" callbacks and opt-outs for a service in emulator
 * mode (`npm start`), which checks signatures with it.
 */
export function randomAuthToken(): string {
  return randomBytes(24).toString('hex');
}

/** The control endpoints are unauthenticated, so nothing but this machine may reach them. */
function assertLoopback(host: string): void {
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (!loopback) throw new Error(`the Twilio emulator binds to loopback only, not "${host}"`);
}

function sendFailure(res: ServerResponse, err: unknown): void {
  if (res.headersSent || res.destroyed) return;
  if (err instanceof BodyTooLargeError) {
    return sendJson(res, 413, { message: err.message, status: 413 });
  }
  // 5xx details stay in the emulator, as Twilio's would.
  const failure = err instanceof TwilioApiError ? err : apiErrors.internal();
  if (failure.httpStatus === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
  sendJson(res, failure.httpStatus, failure.toBody());
}

async function handle(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  try {
    if (url.pathname.startsWith(CONTROL_PREFIX)) await handleControl(ctx, req, res, url);
    else await handleApi(ctx, req, res, url);
  } catch (err) {
    sendFailure(res, err);
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function baseUrl({ address, family, port }: AddressInfo): string {
  return family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

/**
 * Stops accepting, cuts keep-alive and in-flight connections, and drops pending work.
 * Idempotent, so a test may close in its body and again in `afterEach`.
 */
function closer(server: Server, ctx: EmulatorContext): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () =>
    (closing ??= new Promise((resolve, reject) => {
      ctx.callbacks?.close();
      ctx.delays.cancelAll();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }));
}

export async function startTwilioEmulator(
  opts: TwilioEmulatorOptions = {},
): Promise<TwilioEmulator> {
  const host = opts.host ?? '127.0.0.1';
  assertLoopback(host);
  const accountSid = opts.accountSid ?? DEV_ACCOUNT_SID;
  const authToken = opts.authToken ?? randomAuthToken();
  const ctx = createContext(accountSid, authToken, opts.statusCallbacks ?? false);
  const server = createServer((req, res) => void handle(ctx, req, res));
  const address = await listen(server, opts.port ?? 0, host);
  return {
    url: baseUrl(address),
    accountSid,
    authToken,
    messages: () => ctx.store.snapshot(),
    reset: () => resetContext(ctx),
    failNext: (fault, times) => ctx.faults.failNext(fault, times),
    failForNumber: (to, fault) => ctx.faults.failForNumber(to, fault),
    close: closer(server, ctx),
  };
}
