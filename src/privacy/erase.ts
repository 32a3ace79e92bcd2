import type { Client } from '@temporalio/client';
import type { Db } from '../db/connect';
import { maskPhonesInTransitions } from '../db/recovery-events';
import { deleteSendClaimsForPhone } from '../db/send-claims';
import { smsForPhone } from '../db/sms-messages';
import { suppress } from '../db/suppressions';
import { webhookEventsForPhone, workflowsForPhone } from '../db/webhook-events';
import type { Logger } from '../logging';
import { anonymiseSmsMessages, anonymiseWebhookEvents, type PhoneScrubber } from './anonymise';

/** What one erasure did, table by table; a repeat finds nothing left to do. */
export interface ErasureResult {
  tables: {
    webhook_events: number;
    sms_messages: number;
    recovery_events: number;
    sms_send_claims: number;
    suppressed_numbers: number;
  };
  recoveriesEnded: number;
}

export interface ErasureDeps {
  db: Db;
  temporal: Client;
  scrub: PhoneScrubber;
  logger: Logger;
}

export const ERASURE_REASON = 'privacy erasure (LGPD art. 18)';

/**
 * A customer's request to be forgotten: the number goes on the suppression list first (so
 * no SMS can leave while the rest happens), running recoveries for it are cancelled, then
 * every audit row about it is anonymised and its frequency-cap claims deleted.
 */
export async function erasePhone(deps: ErasureDeps, phoneE164: string): Promise<ErasureResult> {
  const { db } = deps;
  const suppressed = await suppress(db, phoneE164, 'manual', ERASURE_REASON);
  // Read before the webhooks are anonymised: their number is how the recoveries are found.
  const workflowIds = await workflowsForPhone(db, phoneE164);
  const recoveriesEnded = await endRecoveries(deps, workflowIds);
  const webhookRows = await webhookEventsForPhone(db, phoneE164);
  const smsRows = await smsForPhone(db, phoneE164);
  const result: ErasureResult = {
    tables: {
      webhook_events: await anonymiseWebhookEvents(db, webhookRows, deps.scrub),
      sms_messages: await anonymiseSmsMessages(db, smsRows, deps.scrub),
      recovery_events: await maskPhonesInTransitions(db, workflowIds),
      sms_send_claims: await deleteSendClaimsForPhone(db, phoneE164),
      suppressed_numbers: suppressed ? 1 : 0,
    },
    recoveriesEnded,
  };
  // The audit of the erasure itself names no number: only what was done.
  deps.logger.info({ ...result.tables, recoveriesEnded }, 'personal data erased on request');
  return result;
}

/** Cancels each running recovery that has a webhook for the number (recorded in its history). */
async function endRecoveries(deps: ErasureDeps, workflowIds: string[]): Promise<number> {
  const cancelled = await Promise.all(
    workflowIds.map(async (workflowId) => {
      const handle = deps.temporal.workflow.getHandle(workflowId);
      const status = await handle.describe().then(
        (d) => d.status.name,
        () => null,
      );
      if (status !== 'RUNNING') return null;
      await handle.cancel();
      return handle;
    }),
  );
  const ended = cancelled.filter((handle) => handle !== null);
  // Rows they write while closing (a skipped step) must be there to be anonymised too. One
  // deadline for all, so the answer never waits on a worker that is down: a recovery still
  // closing then has its cancellation requested, and sends nothing once a worker runs it.
  // The long-polls are aborted at the deadline, so none outlives the request (or the client).
  const deadline = AbortSignal.timeout(CLOSE_WAIT_MS);
  await deps.temporal
    .withAbortSignal(deadline, () =>
      Promise.all(ended.map((handle) => handle.result().catch(() => undefined))),
    )
    .catch(() => undefined);
  return ended.length;
}

const CLOSE_WAIT_MS = 5_000;
