import type { Knex } from 'knex';

/**
 * What keeps customers from being messaged too much: numbers that must never be messaged
 * again (opt-outs), and the sends counted against the per-number frequency cap.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('suppressed_numbers', (t) => {
    t.string('phone_e164', 20).primary();
    // opt_out_reply (PARE, SAIR, STOP…), twilio_21610 (Twilio says the recipient opted out), manual
    t.string('reason', 32).notNullable();
    t.string('detail', 512).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['created_at'], 'suppressed_numbers_created_idx');
  });

  await knex.schema.createTable('sms_send_claims', (t) => {
    t.bigIncrements('id').primary();
    t.string('phone_e164', 20).notNullable();
    t.string('workflow_id', 200).notNullable();
    t.integer('step').notNullable();
    t.timestamp('claimed_at', { useTz: true }).notNullable();
    t.unique(['workflow_id', 'step'], { indexName: 'sms_send_claims_one_per_step' });
    t.index(['phone_e164', 'claimed_at'], 'sms_send_claims_phone_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sms_send_claims');
  await knex.schema.dropTable('suppressed_numbers');
}
