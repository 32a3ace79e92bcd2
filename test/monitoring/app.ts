import type { Client } from '@temporalio/client';
import type Koa from 'koa';
import pino from 'pino';
import type { Db } from '../../src/db/connect';
import { createApp, type AppDeps } from '../../src/http/app';
import { phoneScrubber } from '../../src/privacy/anonymise';
import { erasePhone } from '../../src/privacy/erase';
import { parsePayloadKeys } from '../../src/temporal/payload-keys';
import { createRecoveryClient } from '../../src/temporal/recovery-client';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';
import type { Reply } from '../helpers/http';

export const API_TOKEN = 'monitoring-test-token-0123456789';
export const MONITORING_TASK_QUEUE = 'monitoring-test';
export const RECOVERY_DELAY_MS = 10 * 60_000;
const testKeys = parsePayloadKeys(TEST_PAYLOAD_KEYS);

/** The whole app with real parts: `db`, a recovery client on `temporal`, and what else is given. */
export function monitoringApp(
  deps: { db: Db; temporal: Client } & Partial<Omit<AppDeps, 'db'>>,
): Koa {
  const { temporal, ...rest } = deps;
  const logger = pino({ level: 'silent' });
  return createApp({
    logger,
    erasePhone: (phone) =>
      erasePhone({ db: deps.db, temporal, scrub: phoneScrubber(testKeys), logger }, phone),
    apiToken: API_TOKEN,
    // These suites seed through the webhooks; their authentication is tested elsewhere.
    webhookAuthOff: true,
    temporalUiUrl: 'http://temporal-ui.test:8080',
    namespace: temporal.options.namespace,
    health: async () => ({
      ok: true,
      database: { ok: true },
      temporal: { ok: true },
      worker: { ok: true },
    }),
    recoveries: createRecoveryClient(temporal, {
      taskQueue: MONITORING_TASK_QUEUE,
      delayMs: RECOVERY_DELAY_MS,
      attributionWindowMs: 24 * 3_600_000,
    }),
    ...rest,
  });
}

export interface CallOptions {
  method?: string;
  /** The bearer token; null sends no Authorization header. Default: the right one. */
  token?: string | null;
  headers?: Record<string, string>;
  /** Sent as JSON unless `contentType` says otherwise. */
  body?: unknown;
  contentType?: string;
}

/** One request to `baseUrl + path`, authenticated with the API token unless told otherwise. */
export async function call(
  baseUrl: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? API_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(baseUrl + path, {
    method: options.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseJson(text) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
