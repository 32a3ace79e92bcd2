import type { Knex } from 'knex';

/**
 * The intake's outbox: a delivery that must reach its workflow is stored with a row here
 * in the same transaction, and the row stays until Temporal has accepted the signal. A
 * row is claimed for a while (`claimed_until`) by the process handing it off, so several
 * API processes share the rows without handing one off twice; an expired claim (a process
 * that died mid-hand-off) is free again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('webhook_event_id')
      .notNullable()
      .unique()
      .references('id')
      .inTable('webhook_events')
      .onDelete('CASCADE');
    t.string('gateway', 32).notNullable();
    t.string('payment_id', 128).notNullable();
    // The signal's argument (PaymentUpdate) as JSON, so the relay needs no join.
    t.text('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('claimed_until', { useTz: true }).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('last_error', 256).nullable();
    t.index(['claimed_until', 'id'], 'outbox_claim_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
}
