import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasAccountCredentials } from './auth';
import type { EmulatorContext } from './context';
import { createMessage } from './create-message';
import { apiErrors } from './errors';
import { parseForm, readBody, sendJson } from './http-io';
import { listEnvelope, pageWindow } from './list-page';
import { matchesQuery, parseListQuery } from './list-query';
import { toMessageResource } from './message-resource';
import type { EmulatedMessage } from './types';

const MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;

/** Credentials must be right, and only for the account named in the path. */
function authenticate(ctx: EmulatorContext, req: IncomingMessage, pathSid: string): void {
  const valid = hasAccountCredentials(req.headers.authorization, ctx.accountSid, ctx.authToken);
  if (!valid || pathSid !== ctx.accountSid) throw apiErrors.authenticate();
}

function listMessages(ctx: EmulatorContext, url: URL) {
  const query = parseListQuery(url.searchParams);
  const matches: EmulatedMessage[] = [];
  for (const message of ctx.store.newestFirst()) {
    if (matchesQuery(message, query)) matches.push(message);
  }
  const window = pageWindow(matches, query);
  const resources = window.items.map((m) => toMessageResource(m, ctx.accountSid));
  return listEnvelope(url.pathname, url.searchParams, query, window, resources);
}

function fetchMessage(ctx: EmulatorContext, url: URL, sid: string) {
  const message = ctx.store.get(sid);
  if (!message) throw apiErrors.notFound(url.pathname);
  return toMessageResource(message, ctx.accountSid);
}

async function messagesRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  if (req.method === 'GET') return sendJson(res, 200, listMessages(ctx, url));
  if (req.method !== 'POST') throw apiErrors.methodNotAllowed();
  await createMessage(ctx, req, res, parseForm(await readBody(req)));
}

interface Target {
  accountSid: string;
  /** Null for the collection (`Messages.json`), else the message sid. */
  sid: string | null;
}

function target(pathname: string): Target | null {
  const list = MESSAGES.exec(pathname);
  if (list) return { accountSid: list[1], sid: null };
  const single = MESSAGE.exec(pathname);
  return single && { accountSid: single[1], sid: single[2] };
}

/** The slice of Twilio's REST API v2010 the service uses: create, list and fetch Messages. */
export async function handleApi(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const found = target(url.pathname);
  if (!found) throw apiErrors.notFound(url.pathname);
  authenticate(ctx, req, found.accountSid);
  if (found.sid === null) return messagesRoute(ctx, req, res, url);
  if (req.method !== 'GET') throw apiErrors.methodNotAllowed();
  sendJson(res, 200, fetchMessage(ctx, url, found.sid));
}
