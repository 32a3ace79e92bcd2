/**
 * `npm start`: the whole service on embedded defaults — Temporal dev server, SQLite, worker,
 * API and (without Twilio credentials) a local Twilio emulator. Ctrl-C stops all of it.
 */
import path from 'node:path';
import { formatDuration, loadConfigOrExit } from '../config';
import { toolPath } from '../embedded/project';
import { startStack, type RunningStack } from '../embedded/stack';
import { createLogger } from '../logging';
import { installTemporalRuntime } from '../temporal/runtime';
import { onShutdownSignal } from './signals';

async function run(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, { name: 'recovery' });
  installTemporalRuntime(logger, config.temporal.metricsAddress);
  const stack = await startStack(config, logger, {
    emulatorPort: Number(process.env.TWILIO_EMULATOR_PORT ?? 8025),
  });
  onShutdownSignal(async (signal) => {
    process.stdout.write(`\n${signal} received: stopping API, worker${stack.devServer ? ', Temporal dev server' : ''}...\n`);
    await stack.stop();
    process.stdout.write('stopped.\n');
  });
  process.stdout.write(banner(stack));
}

function banner({ config, api, devServer, emulator }: RunningStack): string {
  const cli = devServer ? path.relative(process.cwd(), toolPath('temporal')) || 'temporal' : 'temporal';
  const db = config.database.client === 'sqlite' ? `SQLite ${path.relative(process.cwd(), config.database.filename)}` : 'PostgreSQL (DATABASE_URL)';
  const sms = emulator
    ? `local Twilio emulator ${emulator.url} (nothing leaves this machine; sent messages: ${emulator.url}/__emulator/messages)`
    : `Twilio${config.twilioApiUrl ? ` at ${config.twilioApiUrl}` : ''}`;
  const lines = [
    '',
    'PIX recovery is running',
    `  API              ${api.url}`,
    `  Webhooks         POST ${api.url}/api/webhooks/tribopay/  and  ${api.url}/api/webhooks/ghostpay/`,
    `  Health           ${api.url}/api/webhooks/health/`,
    devServer ? `  Temporal Web UI  ${devServer.uiUrl}` : `  Temporal         ${config.temporal.address} (namespace ${config.temporal.namespace})`,
    `  Temporal CLI     ${cli} workflow list --address ${config.temporal.address}`,
    `  Audit database   ${db}`,
    `  SMS              ${sms}`,
    `  Recovery delay   ${formatDuration(config.recoveryDelayMs)}`,
    config.webhookSecret ? '  Webhook secret   required (X-Webhook-Token header or ?token=)' : '  Webhook secret   not set: webhooks are open (set WEBHOOK_SECRET in production)',
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}

run().catch((err) => {
  console.error(`start failed: ${(err as Error).message}`);
  process.exit(1);
});

