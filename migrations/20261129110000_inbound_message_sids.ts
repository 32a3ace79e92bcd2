import type { Knex } from 'knex';

/**
 * The `MessageSid` of every customer reply we acted on. A signed reply replayed later (by
 * an attacker who saw it, or by Twilio retrying) must not act again: a replayed "PARE"
 * would re-suppress a number an operator had just released. No phone number is kept.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('inbound_messages', (t) => {
    t.string('message_sid', 64).primary();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.index(['received_at'], 'inbound_messages_received_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('inbound_messages');
}
