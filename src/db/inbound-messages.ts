import { table, type Queryable } from './rows';

/**
 * Records a reply's MessageSid; false when it was already recorded (a replay). Runs in the
 * caller's transaction, so a reply whose handling fails is not marked as seen.
 */
export async function firstSighting(db: Queryable, messageSid: string): Promise<boolean> {
  const inserted = await table(db, 'inbound_messages')
    .insert({ message_sid: messageSid, received_at: new Date() })
    .onConflict('message_sid')
    .ignore()
    .returning('message_sid');
  return inserted.length > 0;
}
