import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import { parseCreateParams, type CreateRequest } from './create-params';
import { TwilioApiError } from './errors';
import { sendJson } from './http-io';
import { toMessageResource } from './message-resource';
import type { EmulatedMessage, Fault } from './types';

/**
 * The sender a Messaging Service picks in the emulator. +15005550006 is the number Twilio
 * documents as a valid `From` for test credentials, so it reads as "not a real sender".
 */
export const MESSAGING_SERVICE_FROM = '+15005550006';

function newMessage(request: CreateRequest, params: Record<string, string>): EmulatedMessage {
  const now = new Date();
  return {
    sid: `SM${randomBytes(16).toString('hex')}`,
    to: request.to,
    from: request.from ?? MESSAGING_SERVICE_FROM,
    body: request.body,
    messagingServiceSid: request.messagingServiceSid,
    statusCallback: request.statusCallback,
    status: 'queued',
    errorCode: null,
    receivedAt: now,
    dateSent: null,
    dateUpdated: now,
    params,
  };
}

/**
 * The carrier's part, done at once so tests are deterministic: the message is sent, then
 * delivered (or undelivered with the fault's error code), and callbacks report both.
 */
function deliver(ctx: EmulatorContext, message: EmulatedMessage, fault: Fault | undefined): void {
  const now = new Date();
  message.dateSent = now;
  message.dateUpdated = now;
  message.status = fault?.kind === 'undelivered' ? 'undelivered' : 'delivered';
  message.errorCode = fault?.kind === 'undelivered' ? fault.errorCode : null;
  ctx.callbacks?.report(message, ['sent', message.status]);
}

function refusal(fault: Extract<Fault, { kind: 'error' }>): TwilioApiError {
  return new TwilioApiError(
    fault.httpStatus,
    fault.code,
    fault.message ?? `Emulated error ${fault.code}`,
  );
}

/**
 * POST .../Messages.json: validate, consult the fault book, store, answer 201. The answer
 * goes out even to a client that gave up waiting: writing to a closed socket is a no-op.
 */
export async function createMessage(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): Promise<void> {
  const request = parseCreateParams(params);
  const fault = ctx.faults.take(request.to);
  if (fault?.kind === 'error') {
    if (fault.ms) await ctx.delays.sleep(fault.ms);
    throw refusal(fault);
  }
  const message = newMessage(request, params);
  if (fault?.kind === 'late-commit') await ctx.delays.sleep(fault.ms);
  ctx.store.append(message);
  // Twilio's create answer always shows the message as it was on arrival: queued.
  const resource = toMessageResource(message, ctx.accountSid);
  if (fault?.kind === 'lost-response') {
    req.socket.destroy();
  } else {
    if (fault?.kind === 'delay') await ctx.delays.sleep(fault.ms);
    sendJson(res, 201, resource);
  }
  deliver(ctx, message, fault);
}
