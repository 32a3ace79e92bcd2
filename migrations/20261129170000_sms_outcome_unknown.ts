import type { Knex } from 'knex';

/**
 * When a Twilio call whose outcome we never learnt began (a timeout, a cut connection, a
 * 5xx, a worker that died mid-call): the message may exist, so later attempts look it up
 * for a settling time before they may send again. Null while every answer was clear.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sms_messages', (t) => {
    t.timestamp('outcome_unknown_since', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sms_messages', (t) => {
    t.dropColumn('outcome_unknown_since');
  });
}
