import type { Db } from '../src/db/connect';
import { deleteOldSendClaims } from '../src/db/send-claims';
import { smsToAnonymise } from '../src/db/sms-messages';
import { webhookEventsToAnonymise } from '../src/db/webhook-events';
import type { Logger } from '../src/logging';
import {
  anonymiseSmsMessages,
  anonymiseWebhookEvents,
  type PhoneScrubber,
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
      const rows = await webhookEventsToAnonymise(db, new Date(cutoff), limit);
      return { changed: await anonymiseWebhookEvents(db, rows, scrub) };
    },
    async anonymiseOldSmsMessages(cutoff: string, limit: number): Promise<BatchResult> {
      const rows = await smsToAnonymise(db, new Date(cutoff), limit);
      return { changed: await anonymiseSmsMessages(db, rows, scrub) };
    },
    /** A claim outlives its frequency window for nothing: it only counted sends inside it. */
    async deleteOldSendClaims(cutoff: string, limit: number): Promise<BatchResult> {
      return { changed: await deleteOldSendClaims(db, new Date(cutoff), limit) };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
