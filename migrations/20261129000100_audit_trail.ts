import type { Knex } from 'knex';

/**
 * The audit trail: what the gateways told us, what each recovery did, and every SMS.
 * Plain column types only, so the same migration runs on PostgreSQL and SQLite.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_events', (t) => {
    t.bigIncrements('id').primary();
    t.string('gateway', 32).notNullable();
    t.string('payment_id', 128).notNullable();
    t.string('payment_method', 32).nullable();
    t.string('raw_method', 64).nullable();
    t.string('payment_status', 32).notNullable();
    t.string('raw_status', 64).notNullable();
    t.bigInteger('amount_centavos').nullable();
    t.string('customer_name', 256).nullable();
    t.string('customer_email', 256).nullable();
    t.string('customer_phone', 64).nullable();
    t.string('phone_e164', 20).nullable();
    t.string('phone_error', 32).nullable();
    t.text('raw_body').notNullable();
    t.string('content_type', 128).nullable();
    t.text('normalized').notNullable();
    // sha256 of gateway, payment, status and the verbatim body: an exact repeat collides.
    t.string('dedup_key', 64).notNullable().unique();
    t.string('outcome', 64).nullable();
    t.string('workflow_id', 200).nullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('handed_off_at', { useTz: true }).nullable();
    t.index(['gateway', 'payment_id'], 'webhook_events_payment_idx');
    t.index(['received_at'], 'webhook_events_received_idx');
    t.index(['payment_status', 'received_at'], 'webhook_events_status_idx');
    t.index(['payment_method', 'received_at'], 'webhook_events_method_idx');
  });

  await knex.schema.createTable('recovery_events', (t) => {
    t.bigIncrements('id').primary();
    // Deterministic per workflow transition: a retried activity can't write twice.
    t.string('event_key', 240).notNullable().unique();
    t.string('workflow_id', 200).notNullable();
    t.string('gateway', 32).notNullable();
    t.string('payment_id', 128).notNullable();
    t.string('transition', 32).notNullable();
    t.text('detail').nullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    t.index(['gateway', 'payment_id'], 'recovery_events_payment_idx');
    t.index(['transition', 'occurred_at'], 'recovery_events_transition_idx');
    t.index(['occurred_at'], 'recovery_events_occurred_idx');
  });

  await knex.schema.createTable('sms_messages', (t) => {
    t.bigIncrements('id').primary();
    t.string('workflow_id', 200).notNullable();
    t.integer('step').notNullable().defaultTo(1);
    t.string('gateway', 32).notNullable();
    t.string('payment_id', 128).notNullable();
    t.string('to_e164', 20).notNullable();
    t.text('body').notNullable();
    t.string('twilio_sid', 64).nullable().unique();
    // sending → queued/accepted → sent → delivered | undelivered | failed
    t.string('status', 32).notNullable();
    t.integer('error_code').nullable();
    t.string('error_message', 512).nullable();
    t.string('price', 32).nullable();
    t.string('price_unit', 8).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.timestamp('delivered_at', { useTz: true }).nullable();
    t.unique(['workflow_id', 'step'], { indexName: 'sms_messages_one_per_step' });
    t.index(['gateway', 'payment_id'], 'sms_messages_payment_idx');
    t.index(['status', 'created_at'], 'sms_messages_status_idx');
    t.index(['created_at'], 'sms_messages_created_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sms_messages');
  await knex.schema.dropTable('recovery_events');
  await knex.schema.dropTable('webhook_events');
}
