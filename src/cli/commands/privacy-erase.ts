import fs from 'node:fs';
import pino from 'pino';
import { z } from 'zod';
import { loadConfig } from '../../config';
import { phoneKey } from '../../domain/phone';
import { createLogger } from '../../logging';
import { phoneScrubber } from '../../privacy/anonymise';
import { erasePhone } from '../../privacy/erase';
import { openDatabase } from '../../runtime/database';
import { connectClient } from '../../temporal/clients';
import { temporalTarget } from '../../temporal/connect';
import { operatorCodec, operatorKeys } from '../../temporal/encryption';
import { CliError, type Command } from '../command';
import { parseCommandLine, validateOptions } from '../options';

const help = `Usage: pix-recovery privacy erase --phone <number> [--json]

A customer's request to be forgotten (LGPD), as POST /api/webhooks/privacy/erase/ does it:
puts the number on the suppression list, cancels its running recoveries before any SMS,
anonymises every webhook and message about it (raw body, name, e-mail and message text
dropped; the phone kept only masked and as a keyed hash) and deletes its frequency-cap
claims. Prints the rows changed per table; a repeat changes nothing.

Reads the database and Temporal directly (DATABASE_URL or DATA_DIR, TEMPORAL_*, and
PAYLOAD_KEYS or the key npm start generated in DATA_DIR).

Options:
  --phone <number>   the number in any usual spelling; Brazilian without a country code
  --json             the result as JSON

Example:
  pix-recovery privacy erase --phone "(11) 98765-4321"`;

const schema = z.object({
  phone: z.string({ error: 'is required' }).transform((text, ctx) => {
    const key = phoneKey(text);
    if (key === null) {
      ctx.addIssue({ code: 'custom', message: 'expected a phone number, e.g. (11) 98765-4321' });
      return z.NEVER;
    }
    return key;
  }),
  json: z.boolean().optional(),
});

export const privacyErase: Command = {
  name: 'privacy erase',
  summary: "forget a customer's number: suppress, end its recoveries, anonymise its rows",
  help,
  async run(args, ctx) {
    const { values } = parseCommandLine('privacy erase', {
      args,
      options: { phone: { type: 'string' }, json: { type: 'boolean' } },
    });
    const input = validateOptions('privacy erase', schema, values);
    const config = loadConfig(ctx.env);
    if (config.database.client === 'sqlite' && !fs.existsSync(config.database.filename)) {
      throw new CliError(
        `no database at ${config.database.filename}: set DATA_DIR or DATABASE_URL as the service has them`,
      );
    }
    const target = temporalTarget(config, ctx.env);
    const temporal = await connectClient(target, operatorCodec(config)).catch((err: Error) => {
      throw new CliError(`could not reach Temporal at ${target.address}: ${err.message}`);
    });
    const db = await openDatabase(config, createLogger('silent'), { migrate: false });
    try {
      const result = await erasePhone(
        {
          db,
          temporal,
          scrub: phoneScrubber(operatorKeys(config)),
          // The erasure's own audit line (no number in it) goes to stderr, apart from the result.
          logger: pino({ name: 'cli', level: 'info' }, pino.destination(2)),
        },
        input.phone,
      );
      const tables = Object.entries(result.tables).map(([t, n]) => `  ${t.padEnd(20)} ${n}`);
      ctx.out(
        input.json
          ? JSON.stringify(result)
          : ['rows changed:', ...tables, `recoveries ended: ${result.recoveriesEnded}`].join('\n'),
      );
      return 0;
    } finally {
      await Promise.all([db.destroy(), temporal.connection.close()]);
    }
  },
};
