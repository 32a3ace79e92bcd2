import type Koa from 'koa';
import Router from '@koa/router';
import { JSON_CONTENT_TYPE } from '../../domain/formats';
import type { Gateway } from '../../domain/payment-event';
import { decodeBody } from '../../gateways/decode-body';
import { GATEWAY_MODULES, parseWebhook } from '../../gateways';
import type { WebhookRequest, WebhookVerifier } from '../../gateways/gateway';
import { NO_GATEWAY_SETTINGS, type GatewaySettings } from '../../gateways/settings';
import { withTrustedLinks } from '../../gateways/links';
import type { RecipientPolicy } from '../../config';
import {
  handleWebhook,
  IntakeUnavailableError,
  type IntakeDeps,
} from '../../intake/handle-webhook';
import type { Logger } from '../../logging';
import type { Metrics } from '../../metrics/metrics';
import { noteOutcome, noteStatus, webhookInstruments } from '../../metrics/webhook-instruments';
import { HttpError } from '../errors';
import { readRawBody } from '../raw-body';

export interface WebhookRouteDeps extends Omit<IntakeDeps, 'relay'> {
  /** The intake's relay to Temporal; createApp makes one when none is given. */
  relay?: IntakeDeps['relay'];
  /** WEBHOOK_SECRET, the token TriboPay's and GhostPay's webhooks present. */
  webhookSecret?: string;
  /** The other gateways' own settings; unset, their webhooks are refused. */
  gateways?: Partial<Omit<GatewaySettings, 'webhookSecret'>>;
  /**
   * true only for WEBHOOK_AUTH=off. Without it, a gateway whose secret is not configured
   * has every webhook refused: an open intake would let anyone make us text anyone.
   */
  webhookAuthOff?: boolean;
  /** Who may be texted and which links may go into an SMS; unset: Brazil only, no links. */
  recipients?: RecipientPolicy;
  metrics?: Metrics;
  /** For what a verifier must say without refusing (Pagar.me's keys not refreshed). */
  logger?: Logger;
}

export function webhookRoutes(deps: WebhookRouteDeps & IntakeDeps): Router {
  const router = new Router();
  const settings = { ...NO_GATEWAY_SETTINGS, ...deps.gateways, webhookSecret: deps.webhookSecret };
  for (const module of Object.values(GATEWAY_MODULES)) {
    const gateway = module.name;
    // Built once: a verifier may cache what it fetched (Pagar.me's keys).
    const verifier = deps.webhookAuthOff
      ? null
      : module.auth.verifier(settings, { logger: deps.logger, metrics: deps.metrics });
    // Gateways are configured with and without the trailing slash; both must work.
    router.post(
      [`/api/webhooks/${gateway}`, `/api/webhooks/${gateway}/`],
      webhookInstruments(deps.metrics, gateway),
      async (ctx) => {
        if (verifier && 'disabled' in verifier) {
          throw new HttpError(
            401,
            `${module.adapter.displayName} webhooks are disabled: ${verifier.disabled}`,
          );
        }
        // Signatures cover the exact bytes received, so the body is read raw, checked, then parsed.
        const rawBody = await readRawBody(ctx);
        if (verifier) await authenticate(ctx, verifier, rawBody);
        const webhook = readWebhook(ctx, gateway, rawBody, deps.recipients);
        noteStatus(ctx, webhook.event.status);
        try {
          const allowedCountries = deps.recipients?.allowedCountries;
          const result = await handleWebhook({ ...deps, allowedCountries }, webhook);
          noteOutcome(ctx, result.outcome);
          ctx.status = module.acceptedStatus ?? result.httpStatus;
          ctx.body = {
            outcome: result.outcome,
            eventId: result.eventId,
            workflowId: result.workflowId,
            reason: result.reason,
          };
        } catch (err) {
          if (!(err instanceof IntakeUnavailableError)) throw err;
          // 503 makes the gateway send it again later; nothing was stored. Temporal being
          // down is no reason: the webhook waits in the outbox (see outbox-relay.ts).
          throw new HttpError(503, `${err.part} unavailable, retry later`, undefined, {
            'Retry-After': '30',
          });
        }
      },
    );
  }
  return router;
}

/** 401 with the gateway's reason (503 when it can't be checked now); nothing is stored. */
async function authenticate(ctx: Koa.Context, verifier: WebhookVerifier, rawBody: Buffer) {
  const request: WebhookRequest = {
    rawBody,
    header: (name) => ctx.get(name),
    query: (name) => (typeof ctx.query[name] === 'string' ? ctx.query[name] : undefined),
    receivedAt: new Date(),
  };
  const verdict = await verifier.verify(request);
  if (verdict.ok) return;
  if (verdict.unavailable)
    throw new HttpError(503, verdict.reason, undefined, { 'Retry-After': '30' });
  throw new HttpError(401, verdict.reason);
}

function readWebhook(
  ctx: Koa.Context,
  gateway: Gateway,
  raw: Buffer,
  recipients: RecipientPolicy | undefined,
) {
  const contentType = ctx.get('content-type') || null;
  if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) {
    throw new HttpError(415, 'expected Content-Type: application/json');
  }
  const rawBody = decodeBody(raw, contentType);
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  const parsed = parseWebhook(gateway, body);
  if (!parsed.ok) throw new HttpError(422, `not a valid ${gateway} webhook`, parsed.issues);
  const event = withTrustedLinks(parsed.event, recipients?.checkoutLinkHosts ?? []);
  return { event, rawBody, contentType };
}
