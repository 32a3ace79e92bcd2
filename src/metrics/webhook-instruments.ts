import type Koa from 'koa';
import type { IntakeOutcome } from '../domain/intake-outcome';
import type { PaymentStatus } from '../domain/payment-event';
import { HttpError } from '../http/errors';
import type { Metrics } from './metrics';

/** What the route learned about one webhook; read back when the request ends. */
interface Observed {
  status?: PaymentStatus;
  outcome?: IntakeOutcome;
}

const OBSERVED = Symbol('webhook metrics');

/** The route says which payment status a webhook carried, once it has parsed it. */
export function noteStatus(ctx: Koa.Context, status: PaymentStatus): void {
  observed(ctx).status = status;
}

/** The route says what the intake decided. */
export function noteOutcome(ctx: Koa.Context, outcome: IntakeOutcome): void {
  observed(ctx).outcome = outcome;
}

/**
 * Times a webhook request and counts it once it is answered, refusals included: a
 * request that never reached the intake counts as `rejected` (4xx), `unavailable` (503,
 * the gateway retries) or `error`, with no payment status when none was parsed.
 */
export function webhookInstruments(metrics: Metrics | undefined, gateway: string): Koa.Middleware {
  return async (ctx, next) => {
    if (!metrics) {
      await next();
      return;
    }
    const stop = metrics.webhookDuration.startTimer({ gateway });
    const seen: Observed = {};
    (ctx.state as Record<symbol, Observed>)[OBSERVED] = seen;
    let code = 500;
    try {
      await next();
      code = ctx.status;
    } catch (err) {
      code = err instanceof HttpError ? err.status : 500;
      throw err;
    } finally {
      stop({ code: String(code) });
      metrics.webhooksReceived.inc({
        gateway,
        status: seen.status ?? '',
        outcome: seen.outcome ?? refusal(code),
      });
    }
  };
}

/**
 * The `outcome` label of a request the intake never decided on, beside the intake's own
 * outcomes (src/domain/intake-outcome.ts).
 */
type WebhookRefusal = 'rejected' | 'unavailable' | 'client_closed' | 'error';

function refusal(code: number): WebhookRefusal {
  if (code === 503) return 'unavailable';
  if (code === 499) return 'client_closed';
  return code >= 500 ? 'error' : 'rejected';
}

/** Without the middleware (no metrics), notes go to a throwaway record. */
function observed(ctx: Koa.Context): Observed {
  return (ctx.state as Record<symbol, Observed | undefined>)[OBSERVED] ?? {};
}
