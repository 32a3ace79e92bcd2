import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type Koa from 'koa';
import pino from 'pino';
import type { Db } from '../../src/db/connect';
import { createApp } from '../../src/http/app';
import type { WebhookRouteDeps } from '../../src/http/routes/webhooks';
import {
  createOutboxRelay,
  type OutboxRelay,
  type OutboxRelaySettings,
} from '../../src/intake/outbox-relay';
import { createRecoveryClient } from '../../src/temporal/recovery-client';

export const INTAKE_TASK_QUEUE = 'webhook-intake-test';
/** Long enough that no recovery reaches its SMS while a suite runs. */
export const INTAKE_DELAY_MS = 60 * 60_000;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it isn't JSON; the assertions type it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface PostOptions {
  /** null sends no Content-Type at all. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Streams the body in 64 KiB pieces with chunked encoding, so no Content-Length. */
  chunked?: boolean;
}

export interface TestServer {
  url: string;
  /** Posts `body` as bytes: a string as UTF-8, an object as its JSON. */
  post(path: string, body: string | Buffer | object, options?: PostOptions): Promise<Reply>;
  close(): Promise<void>;
}

export type IntakeKoa = Koa & { relay: OutboxRelay };

/**
 * The intake app with real parts: the given database, and an outbox relay (its sweeper
 * running) with a recovery client on `temporal`. Without any secret it runs as
 * WEBHOOK_AUTH=off says, explicitly: these suites are about what the intake does with a
 * webhook; authentication has its own (webhook-requests, hostile-input).
 */
export function intakeApp(deps: {
  db: Db;
  temporal: Client;
  webhookSecret?: string;
  relay?: Partial<OutboxRelaySettings>;
  /** The signing gateways' settings (their secrets); WEBHOOK_AUTH stays on with them. */
  gateways?: WebhookRouteDeps['gateways'];
}): IntakeKoa {
  const logger = pino({ level: 'silent' });
  const recoveries = createRecoveryClient(deps.temporal, {
    taskQueue: INTAKE_TASK_QUEUE,
    delayMs: INTAKE_DELAY_MS,
    attributionWindowMs: 24 * 3_600_000,
  });
  const relay = createOutboxRelay({ db: deps.db, recoveries, logger, settings: deps.relay });
  relay.start();
  const app = createApp({
    db: deps.db,
    logger,
    webhookSecret: deps.webhookSecret,
    gateways: deps.gateways,
    webhookAuthOff: deps.webhookSecret === undefined && deps.gateways === undefined,
    health: async () => ({
      ok: true,
      database: { ok: true },
      temporal: { ok: true },
      worker: { ok: true },
    }),
    recoveries,
    relay,
  });
  return Object.assign(app, { relay });
}

/**
 * Binds `app.callback()` to a free local port, so requests go over real HTTP. The intake
 * answers before its relay hands the webhook to Temporal; `post` waits for the relay
 * too, so a test reads Temporal after the hand-off (tests of the gap use the relay itself).
 */
export async function serve(app: Koa | IntakeKoa): Promise<TestServer> {
  const relay = 'relay' in app ? app.relay : undefined;
  const handle = app.callback();
  // Koa's handler settles its own errors; the promise is not the server's to await.
  const server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    post: async (path, body, options) => {
      const reply = await post(url + path, body, options);
      await relay?.idle();
      return reply;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await relay?.stop();
    },
  };
}

async function post(
  url: string,
  body: string | Buffer | object,
  options: PostOptions = {},
): Promise<Reply> {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers: Record<string, string> = { ...options.headers };
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  // Bytes, not a string: fetch would add `text/plain` to a string body without a type.
  const init = options.chunked
    ? { method: 'POST', headers, body: inPieces(bytes), duplex: 'half' }
    : { method: 'POST', headers, body: bytes };
  const response = await fetch(url, init as RequestInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseJson(text) };
}

function inPieces(bytes: Buffer, size = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
