import type { Knex } from 'knex';
import * as auditTrail from './20261129000100_audit_trail';
import * as recoveryRules from './20261129000200_recovery_rules';
import * as suppressionIds from './20261129000300_suppression_ids';
import * as inboundMessageSids from './20261129110000_inbound_message_sids';
import * as outbox from './20261129160000_outbox';
import * as smsOutcomeUnknown from './20261129170000_sms_outcome_unknown';

/**
 * Migrations are listed here rather than discovered on disk, so the same list runs from
 * TypeScript (tests) and from compiled JavaScript (production) without a loader.
 */
const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261129000100_audit_trail': auditTrail,
  '20261129000200_recovery_rules': recoveryRules,
  '20261129000300_suppression_ids': suppressionIds,
  '20261129110000_inbound_message_sids': inboundMessageSids,
  '20261129160000_outbox': outbox,
  '20261129170000_sms_outcome_unknown': smsOutcomeUnknown,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name],
};
