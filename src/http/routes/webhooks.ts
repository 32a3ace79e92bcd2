import type Koa from 'koa';
import Router from '@koa/router';
import { JSON_CONTENT_TYPE } from '../../domain/formats';
import { GATEWAYS, type Gateway } from '../../domain/payment-event';
import { decodeBody } from '../../gateways/decode-body';
import { parseDelivery } from '../../gateways';
import { withTrustedLinks } from '../../gateways/links';
import type { RecipientPolicy } from '../../config';
import {
  handleWebhook,
  IntakeUnavailableError,
  type IntakeDeps,
} from '../../intake/handle-webhook';
import type { Metrics } from '../../metrics/metrics';
import { noteOutcome, noteStatus, webhookInstruments } from '../../metrics/webhook-instruments';
import { HttpError } from '../errors';
import { readRawBody } from '../raw-body';
import { secretsMatch } from '../secrets';

export interface WebhookRouteDeps extends Omit<IntakeDeps, 'relay'> {
  /** The intake's relay to Temporal; createApp makes one when none is given. */
  relay?: IntakeDeps['relay'];
  webhookSecret?: string;
  /**
   * true only for WEBHOOK_AUTH=off. Without it and without a secret, every webhook is
   * refused: an open intake would let anyone make us text anyone.
   */
  webhookAuthOff?: boolean;
  /** Who may be texted and which links may go into an SMS; unset: Brazil only, no links. */
  recipients?: RecipientPolicy;
  metrics?: Metrics;
}

export function webhookRoutes(deps: WebhookRouteDeps & IntakeDeps): Router {
  const router = new Router();
  for (const gateway of GATEWAYS) {
    // Gateways are configured with and without the trailing slash; both must work.
    router.post(
      [`/api/webhooks/${gateway}`, `/api/webhooks/${gateway}/`],
      webhookInstruments(deps.metrics, gateway),
      async (ctx) => {
        requireWebhookSecret(ctx, deps);
        const delivery = await readDelivery(ctx, gateway, deps.recipients);
        noteStatus(ctx, delivery.event.status);
        try {
          const allowedCountries = deps.recipients?.allowedCountries;
          const result = await handleWebhook({ ...deps, allowedCountries }, delivery);
          noteOutcome(ctx, result.outcome);
          ctx.status = result.httpStatus;
          ctx.body = {
            outcome: result.outcome,
            eventId: result.eventId,
            workflowId: result.workflowId,
            reason: result.reason,
          };
        } catch (err) {
          if (!(err instanceof IntakeUnavailableError)) throw err;
          // 503 makes the gateway deliver again later; nothing was stored. Temporal being
          // down is no reason: the delivery waits in the outbox (see outbox-relay.ts).
          throw new HttpError(503, `${err.part} unavailable, retry later`, undefined, {
            'Retry-After': '30',
          });
        }
      },
    );
  }
  return router;
}

function requireWebhookSecret(ctx: Koa.Context, deps: WebhookRouteDeps): void {
  if (deps.webhookAuthOff) return;
  if (!deps.webhookSecret) {
    throw new HttpError(401, 'webhooks are disabled: set WEBHOOK_SECRET (16+ characters)');
  }
  // The header first; `?token=` only for gateways that cannot set headers (and is never logged).
  const presented =
    ctx.get('x-webhook-token') ||
    (typeof ctx.query.token === 'string' ? ctx.query.token : undefined);
  if (!secretsMatch(presented, deps.webhookSecret))
    throw new HttpError(401, 'missing or wrong webhook token');
}

async function readDelivery(
  ctx: Koa.Context,
  gateway: Gateway,
  recipients: RecipientPolicy | undefined,
) {
  const contentType = ctx.get('content-type') || null;
  if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) {
    throw new HttpError(415, 'expected Content-Type: application/json');
  }
  const rawBody = decodeBody(await readRawBody(ctx), contentType);
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  const parsed = parseDelivery(gateway, body);
  if (!parsed.ok) throw new HttpError(422, `not a valid ${gateway} delivery`, parsed.issues);
  const event = withTrustedLinks(parsed.event, recipients?.checkoutLinkHosts ?? []);
  return { event, rawBody, contentType };
}
