import { ApplicationFailure } from '@temporalio/activity';
import type { Gateway } from '../src/domain/payment-event';
import { normalizePhone } from '../src/domain/phone';
import { recordEnrichment } from '../src/db/webhook-events';
import { clipEvent } from '../src/gateways/clip';
import { withTrustedLinks } from '../src/gateways/links';
import { whyIgnored, type Ignored } from '../src/domain/intake-outcome';
import { StatusCheckError } from '../src/source-of-truth/source';
import type { PaymentUpdate } from '../workflows/definitions';
import type { ActivityDeps } from '.';

export interface EnrichPaymentInput {
  workflowId: string;
  gateway: Gateway;
  paymentId: string;
  /** The thin update as the webhook brought it: its event id, receipt time and row. */
  update: PaymentUpdate;
}

export interface EnrichPaymentResult {
  /** The update the webhook would have been, had it carried everything. */
  update: PaymentUpdate;
  /** Set when the answer can't lead to an SMS: why, in the intake's words. */
  ignored: Ignored | null;
}

/**
 * Completes a thin webhook from the gateway's API: the payment read, its links vetted and
 * its phone checked exactly as the intake checks a full webhook's, the answer recorded on
 * the webhook's audit row. An API that fails is retried by Temporal (the error's type says
 * which failure); a gateway without credentials, or an id no URL can carry, is not.
 */
export function createEnrichPayment(deps: ActivityDeps) {
  return async function enrichPayment(input: EnrichPaymentInput): Promise<EnrichPaymentResult> {
    const enrich = deps.paymentEnrichers?.[input.gateway];
    if (!enrich) {
      throw ApplicationFailure.create({
        type: 'EnrichmentNotConfigured',
        message: `${input.gateway} webhooks name the payment only: set its API credentials (docs/gateways.md)`,
        nonRetryable: true,
      });
    }
    const log = deps.logger.child({ workflowId: input.workflowId, gateway: input.gateway });
    const answer = await ask(() => enrich(input.paymentId), log);
    const hosts = deps.recipients?.checkoutLinkHosts ?? [];
    const event = clipEvent(withTrustedLinks(answer, hosts));
    const phone =
      event.status === 'waiting'
        ? normalizePhone(event.customer.phone, deps.recipients?.allowedCountries)
        : null;
    const phoneE164 = phone?.ok ? phone.e164 : null;
    const phoneError = phone && !phone.ok ? phone.reason : null;
    const ignored = whyIgnored(event, phoneE164, phoneError, 'ignored: no phone');
    if (input.update.webhookEventId !== undefined) {
      await recordEnrichment(deps.db, input.update.webhookEventId, {
        event,
        phoneE164,
        phoneError,
        outcome: ignored?.outcome ?? null,
        enrichedAt: new Date(),
      });
    }
    log.info(
      { status: event.status, rawStatus: event.rawStatus, ignored: ignored?.outcome },
      'payment read from the gateway API',
    );
    const { enrich: _thin, ...thin } = input.update;
    const update: PaymentUpdate = {
      ...thin,
      status: event.status,
      rawStatus: event.rawStatus,
      method: event.method,
      createdAt: event.createdAt,
      // Only a payment that may lead to an SMS brings its number to the workflow.
      phoneE164: ignored ? null : phoneE164,
      customerName: event.customer.name,
      amountCentavos: event.amountCentavos,
      checkoutUrl: event.checkoutUrl,
      pixCode: event.pixCode,
    };
    return { update, ignored };
  };
}

async function ask<T>(call: () => Promise<T>, log: ActivityDeps['logger']): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof StatusCheckError)) throw err;
    // A refused credential fails every attempt until someone fixes the configuration.
    log[err.failure === 'unauthorized' ? 'error' : 'warn'](
      { failure: err.failure, err: err.message },
      'gateway API gave no answer; retrying',
    );
    throw ApplicationFailure.create({
      type: err.failure === 'invalid_id' ? 'EnrichmentImpossible' : 'GatewayApiUnavailable',
      message: err.message,
      details: [{ failure: err.failure }],
      nonRetryable: err.failure === 'invalid_id',
    });
  }
}
