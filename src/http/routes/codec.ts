/**
 * Temporal's codec-server contract, for the Web UI and `temporal … --codec-endpoint`:
 * `POST …/encode` and `…/decode` take and answer `{"payloads": [<Payload as proto JSON>]}`
 * (metadata values and data in base64). Served at `/codec/` and at `/codec/{namespace}/`,
 * the form the CLI's `{namespace}` template fills in.
 */
import type Koa from 'koa';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from '../../logging';
import { HttpError } from '../errors';
import { readRawBody } from '../raw-body';
import { secretsMatch } from '../secrets';

export interface CodecRouteDeps {
  codec: PayloadCodec;
  /** Tokens that may use the codec: CODEC_TOKEN and API_TOKEN (either may be unset). */
  codecTokens: { codec?: string; api?: string };
  /** `npm start` only: a per-run secret path segment its own Web UI uses (it can send no header). */
  codecUiSession?: string;
  /** The Web UI (TEMPORAL_UI_URL, and the dev server's under `npm start`): the only origins browsers may call from. */
  uiUrls: string[];
  logger: Logger;
}

const PATH = /^\/codec(?:\/session\/([^/]+))?(?:\/([^/]+))?\/(encode|decode)\/?$/;
const MAX_BODY_BYTES = 4 * 1024 * 1024; // Temporal's default payload limit is 2 MiB each
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="codec"' };

export function codecRoutes(deps: CodecRouteDeps): Koa.Middleware {
  const uiOrigins = new Set(deps.uiUrls.map((url) => new URL(url).origin));
  return async (ctx, next) => {
    const match = PATH.exec(ctx.path);
    if (!match) {
      await next();
      return;
    }
    const [, session, namespace, operation] = match;
    allowUiOrigin(ctx, uiOrigins);
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204; // a CORS preflight carries no credentials
      return;
    }
    if (ctx.method !== 'POST')
      throw new HttpError(405, 'use POST', undefined, { Allow: 'POST, OPTIONS' });
    const caller = authorize(ctx, deps, session);
    const payloads = parsePayloads(await readRawBody(ctx, MAX_BODY_BYTES));
    const converted =
      operation === 'encode'
        ? await deps.codec.encode(payloads)
        : await decodeOrExplain(deps.codec, payloads);
    if (operation === 'decode') {
      // Who read what: never the payloads themselves.
      deps.logger.info(
        {
          caller,
          namespace: ctx.get('x-namespace') || namespace || undefined,
          workflowId: workflowIdFrom(ctx.get('referer')),
          payloads: payloads.length,
          requestId: ctx.state.requestId,
        },
        'codec decode',
      );
    }
    ctx.body = { payloads: converted.map(toJson) };
  };
}

/** Browsers get the CORS headers only when the page is the configured Web UI. */
function allowUiOrigin(ctx: Koa.Context, uiOrigins: Set<string>): void {
  ctx.vary('Origin');
  const origin = ctx.get('origin');
  if (!uiOrigins.has(origin)) return;
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
  ctx.set('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace');
  ctx.set('Access-Control-Allow-Credentials', 'true');
  ctx.set('Access-Control-Max-Age', '600');
}

function authorize(ctx: Koa.Context, deps: CodecRouteDeps, session: string | undefined): string {
  if (session !== undefined) {
    if (deps.codecUiSession && secretsMatch(session, deps.codecUiSession)) return 'web-ui';
    throw new HttpError(401, 'unknown codec session', undefined, CHALLENGE);
  }
  const presented = /^Bearer +(\S+) *$/i.exec(ctx.get('authorization'))?.[1];
  const { codec, api } = deps.codecTokens;
  if (codec && secretsMatch(presented, codec)) return 'codec-token';
  if (api && secretsMatch(presented, api)) return 'api-token';
  throw new HttpError(
    401,
    codec || api
      ? 'missing or wrong token: send "Authorization: Bearer <CODEC_TOKEN or API_TOKEN>"'
      : 'the codec server is disabled: set CODEC_TOKEN or API_TOKEN (16+ characters)',
    undefined,
    CHALLENGE,
  );
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

function parsePayloads(body: Buffer): Payload[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  const payloads = (json as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads) || !payloads.every(isJsonPayload))
    throw new HttpError(422, 'expected {"payloads": [{"metadata": {…}, "data": "<base64>"}]}');
  return payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));
}

function isJsonPayload(value: unknown): value is JsonPayload {
  if (value === null || typeof value !== 'object') return false;
  const { metadata, data } = value as JsonPayload;
  return (
    (data === undefined || typeof data === 'string') &&
    (metadata === undefined ||
      (typeof metadata === 'object' &&
        metadata !== null &&
        Object.values(metadata).every((v) => typeof v === 'string')))
  );
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

/** An unknown key id or a failed tag is the operator's to fix: say which, as a 422. */
async function decodeOrExplain(codec: PayloadCodec, payloads: Payload[]): Promise<Payload[]> {
  try {
    return await codec.decode(payloads);
  } catch (err) {
    throw new HttpError(422, (err as Error).message);
  }
}

/** The Web UI's page (`/namespaces/<ns>/workflows/<id>/…`) names the workflow being read. */
function workflowIdFrom(referer: string): string | undefined {
  const match = /\/workflows\/([^/?#]+)/.exec(referer);
  return match ? decodeURIComponent(match[1]) : undefined;
}
