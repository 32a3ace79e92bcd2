import type { IncomingMessage, ServerResponse } from 'node:http';
import { resetContext, type EmulatorContext } from './context';
import { faultRequestSchema } from './faults';
import { readBody, sendEmpty, sendJson } from './http-io';

/**
 * Test-only endpoints for processes that can't reach the programmatic API (the emulator
 * running standalone). They have no authentication, which is why the emulator only ever
 * binds to a loopback address.
 */
export const CONTROL_PREFIX = '/__emulator/';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function addFault(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse) {
  const parsed = faultRequestSchema.safeParse(parseJson(await readBody(req)));
  if (!parsed.success) {
    const hint = 'expected JSON {"fault": {...}, "times": n} or {"to": "+55...", "fault": {...}}';
    return sendJson(res, 422, { message: hint, issues: parsed.error.issues });
  }
  ctx.faults.apply(parsed.data);
  sendEmpty(res, 204);
}

export async function handleControl(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /__emulator/messages') return sendJson(res, 200, ctx.store.snapshot());
  if (route === 'DELETE /__emulator/messages') {
    resetContext(ctx);
    return sendEmpty(res, 204);
  }
  if (route === 'POST /__emulator/faults') return addFault(ctx, req, res);
  sendJson(res, 404, { message: `no control endpoint ${route}` });
}
