import { writeTransition, type TransitionRecord } from '../src/db/recovery-events';
import type { ActivityDeps } from '.';

export function createRecordTransition({ db, logger }: ActivityDeps) {
  return async function recordTransition(record: TransitionRecord): Promise<void> {
    await writeTransition(db, record);
    logger.info(
      { workflowId: record.workflowId, transition: record.transition, detail: record.detail },
      'recovery transition',
    );
  };
}
