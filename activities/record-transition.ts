import { insertTransition, type TransitionRecord } from '../src/db/recovery-events';
import type { ActivityDeps } from '.';

export function createRecordTransition({ db, logger }: ActivityDeps) {
  return async function recordTransition(record: TransitionRecord): Promise<void> {
    await db.transaction(async (trx) => {
      await insertTransition(trx, record);
      if (record.transition === 'sms_failed') {
        // Retries ran out or Twilio refused: the step's message row ends failed too.
        await trx('sms_messages')
          .where({ workflow_id: record.workflowId, status: 'pending' })
          .update({ status: 'failed', updated_at: new Date() });
      }
    });
    logger.info(
      { workflowId: record.workflowId, transition: record.transition, detail: record.detail },
      'recovery transition',
    );
  };
}
