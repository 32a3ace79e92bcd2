import type { Db } from '../src/db/connect';
import type { Logger } from '../src/logging';
import {
  anonymiseSmsMessages,
  anonymiseWebhookEvents,
  ERASED,
  type PhoneScrubber,
  type SmsRowRef,
  type WebhookRow,
} from '../src/privacy/anonymise';

export interface RetentionDeps {
  db: Db;
  scrub: PhoneScrubber;
  logger: Logger;
}

/** One batch of one table: how many rows it changed; fewer than `limit` means none are left. */
export interface BatchResult {
  changed: number;
}

/**
 * The retention workflow's side effects. Each batch picks rows older than the cutoff that
 * still hold personal data (their raw body or message text is not yet erased), so a run
 * that stops part-way resumes where it stopped.
 */
export function createRetentionActivities(deps: RetentionDeps) {
  const { db, scrub } = deps;
  return {
    async anonymiseOldWebhookEvents(cutoff: string, limit: number): Promise<BatchResult> {
      const rows: WebhookRow[] = await db('webhook_events')
        .where('received_at', '<', new Date(cutoff))
        .whereNot({ raw_body: ERASED })
        .orderBy('id')
        .limit(limit)
        .select('id', 'phone_e164', 'normalized');
      return { changed: await anonymiseWebhookEvents(db, rows, scrub) };
    },
    async anonymiseOldSmsMessages(cutoff: string, limit: number): Promise<BatchResult> {
      const rows: SmsRowRef[] = await db('sms_messages')
        .where('created_at', '<', new Date(cutoff))
        .whereNot({ body: ERASED })
        .orderBy('id')
        .limit(limit)
        .select('id', 'to_e164');
      return { changed: await anonymiseSmsMessages(db, rows, scrub) };
    },
    /** A claim outlives its frequency window for nothing: it only counted sends inside it. */
    async deleteOldSendClaims(cutoff: string, limit: number): Promise<BatchResult> {
      const ids = db('sms_send_claims')
        .where('claimed_at', '<', new Date(cutoff))
        .orderBy('id')
        .limit(limit)
        .select('id');
      return { changed: await db('sms_send_claims').whereIn('id', ids).delete() };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
