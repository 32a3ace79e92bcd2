import type { Knex } from 'knex';

/**
 * Gives each suppressed number a row id, so the monitoring API can page the list by
 * (time, id) without putting a phone number in the cursor. SQLite can't add an
 * auto-increment column to a table, so the table is rebuilt on both databases, oldest
 * entry first, and keeps its name, its columns and its one-row-per-number rule.
 */
export async function up(knex: Knex): Promise<void> {
  await rebuild(knex, (t) => {
    t.bigIncrements('id').primary();
    t.string('phone_e164', 20)
      .notNullable()
      .unique({ indexName: 'suppressed_numbers_phone_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await rebuild(knex, (t) => {
    t.string('phone_e164', 20).primary();
  });
}

async function rebuild(knex: Knex, key: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  await knex.schema.createTable('suppressed_numbers_next', (t) => {
    key(t);
    t.string('reason', 32).notNullable();
    t.string('detail', 512).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex
    .into(knex.raw('?? (phone_e164, reason, detail, created_at)', ['suppressed_numbers_next']))
    .insert(
      knex('suppressed_numbers')
        .select('phone_e164', 'reason', 'detail', 'created_at')
        .orderBy(['created_at', 'phone_e164']),
    );
  await knex.schema.dropTable('suppressed_numbers');
  await knex.schema.renameTable('suppressed_numbers_next', 'suppressed_numbers');
  if ((knex.client as { dialect?: string }).dialect === 'postgresql') {
    // PostgreSQL keeps the names it derived from the temporary table; give back the usual ones.
    await knex.raw('alter index suppressed_numbers_next_pkey rename to suppressed_numbers_pkey');
    await knex.raw(
      'alter sequence if exists suppressed_numbers_next_id_seq rename to suppressed_numbers_id_seq',
    );
  }
  // Named after the table's final name, created once the old table (and its index) are gone.
  await knex.schema.alterTable('suppressed_numbers', (t) => {
    t.index(['created_at'], 'suppressed_numbers_created_idx');
  });
}
