import fs from 'node:fs';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { loadConfig, type Config } from '../../config';
import { createLogger } from '../../logging';
import {
  isUnknownPayment,
  loadPaymentView,
  type PaymentViewDeps,
} from '../../monitoring/payment-view';
import { openDatabase } from '../../runtime/database';
import { connectClient } from '../../temporal/clients';
import { temporalTarget } from '../../temporal/connect';
import { operatorCodec } from '../../temporal/encryption';
import { createRecoveryClient } from '../../temporal/recovery-client';
import { CliError, UsageError, type Command } from '../command';
import { gatewayOption, parseCommandLine, requiredText, validateOptions } from '../options';
import { paymentSummary } from '../payment-summary';

const help = `Usage: pix-recovery payment show <gateway> <payment_id> [--json]

One payment as GET /api/webhooks/payments/{gateway}/{payment_id}/ shows it: the live
recovery state from Temporal, every webhook, transition and SMS from the audit database.
Reads the service's own settings (DATABASE_URL or DATA_DIR, TEMPORAL_*); when Temporal
can't answer, the database part is still shown.

Options:
  --json   the view as JSON, exactly as the API answers it`;

const schema = z.object({ gateway: gatewayOption, paymentId: requiredText });

export const paymentShow: Command = {
  name: 'payment show',
  summary: "one payment's webhooks, SMS and recovery state",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseCommandLine('payment show', {
      args,
      options: { json: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    if (positionals.length !== 2)
      throw new UsageError('payment show: expected <gateway> <payment_id>');
    const { gateway, paymentId } = validateOptions('payment show', schema, {
      gateway: positionals[0],
      paymentId: positionals[1],
    });
    const view = await withViewDeps(loadConfig(ctx.env), ctx.env, (deps) =>
      loadPaymentView(deps, gateway, paymentId),
    );
    if (isUnknownPayment(view))
      throw new CliError(`no payment "${paymentId}" from ${gateway}: no webhook, SMS or workflow`);
    ctx.out(values.json ? JSON.stringify(view, null, 2) : paymentSummary(view));
    return 0;
  },
};

async function withViewDeps<T>(
  config: Config,
  env: NodeJS.ProcessEnv,
  use: (deps: PaymentViewDeps) => Promise<T>,
): Promise<T> {
  // Opening a missing SQLite file would create an empty one: a wrong DATA_DIR must say so.
  if (config.database.client === 'sqlite' && !fs.existsSync(config.database.filename)) {
    throw new CliError(
      `no database at ${config.database.filename}: set DATA_DIR or DATABASE_URL as the service has them`,
    );
  }
  const db = await openDatabase(config, createLogger('silent'), { migrate: false });
  const target = temporalTarget(config, env);
  const client = await connectClient(target, operatorCodec(config)).catch(() => null);
  try {
    return await use({
      db,
      recoveries: client
        ? recoveryStates(client, config)
        : {
            state: () => Promise.reject(new Error('Temporal unreachable')),
            execution: () => Promise.reject(new Error('Temporal unreachable')),
          },
      temporalUiUrl: config.temporal.uiUrl,
      namespace: target.namespace,
    });
  } finally {
    await Promise.all([db.destroy(), client?.connection.close()]);
  }
}

/** Only `state` is used: the settings matter to `signal`, which a view never calls. */
function recoveryStates(client: Client, config: Config) {
  return createRecoveryClient(client, {
    taskQueue: config.temporal.taskQueue,
    delayMs: config.recoveryDelayMs,
    attributionWindowMs: config.attributionWindowMs,
  });
}
