import type { Db } from '../src/db/connect';
import type { Logger } from '../src/logging';
import type { Metrics } from '../src/metrics/metrics';
import type { SmsSender } from '../src/sms/sender';
import type { RecipientPolicy } from '../src/config';
import type { PaymentEnrichers } from '../src/gateways/enrichers';
import type { PaymentStatusSources } from '../src/source-of-truth';
import { createEnrichPayment } from './enrich-payment';
import { createRecordTransition } from './record-transition';
import { createSendRecoverySms } from './send-recovery-sms';

export interface ActivityDeps {
  db: Db;
  sms: SmsSender;
  logger: Logger;
  /** The SMS template (configured or default), already validated. */
  template: string;
  /** Templates of steps 2, 3… of a sequence; the last one serves any later step. */
  followUpTemplates?: string[];
  /** At most `maxPerWindow` recovery SMS per number in `windowMs`, across payments. */
  frequencyCap?: { maxPerWindow: number; windowMs: number };
  /** Transliterate to GSM-7 (SMS_GSM7). */
  gsm7?: boolean;
  /** Twilio's status reports go here when the service has a public URL. */
  statusCallbackUrl?: string;
  /** The worker's in-process instruments (timer lag); absent: nothing is measured. */
  metrics?: Metrics;
  /**
   * After a Twilio call whose outcome is unknown, how long the message is only looked up
   * before it may be sent again (SMS_OUTCOME_SETTLE); absent: the activity's default.
   */
  outcomeSettleMs?: number;
  /** Gateway APIs asked right before sending (TRIBOPAY_API_TOKEN); absent: webhooks decide. */
  paymentStatusSources?: PaymentStatusSources;
  /** Gateway APIs that complete thin webhooks (MERCADOPAGO_ACCESS_TOKEN, ASAAS_API_KEY). */
  paymentEnrichers?: PaymentEnrichers;
  /** Who may be texted and which links may go into an SMS, for what enrichment reads. */
  recipients?: RecipientPolicy;
}

/** Every side effect the recovery workflow asks for. */
export function createActivities(deps: ActivityDeps) {
  return {
    recordTransition: createRecordTransition(deps),
    sendRecoverySms: createSendRecoverySms(deps),
    enrichPayment: createEnrichPayment(deps),
  };
}

export type { SendSmsInput, SendSmsResult } from './send-recovery-sms';
export type { EnrichPaymentInput, EnrichPaymentResult } from './enrich-payment';
