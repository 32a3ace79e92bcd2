import { insertTransition, type TransitionRecord } from '../src/db/recovery-events';
import { releaseSendSlots } from '../src/db/send-claims';
import { settleUnsent } from '../src/db/sms-messages';
import { isFinalRecoveryStatus } from '../src/domain/recovery-status';
import type { ActivityDeps } from '.';

export function createRecordTransition({ db, logger }: ActivityDeps) {
  return async function recordTransition(record: TransitionRecord): Promise<void> {
    await db.transaction(async (trx) => {
      await insertTransition(trx, record);
      if (!isFinalRecoveryStatus(record.transition)) return;
      // Retries ran out or Twilio refused: the step's row ends failed. Any other ending
      // leaves no send to come: a row still pending was stopped before it was sent.
      const status = record.transition === 'sms_failed' ? 'failed' : 'cancelled';
      const unsent = await settleUnsent(trx, record.workflowId, status, record.transition);
      await releaseSendSlots(trx, record.workflowId, unsent);
    });
    logger.info(
      { workflowId: record.workflowId, transition: record.transition, detail: record.detail },
      'recovery transition',
    );
  };
}
