/**
 * `npm start`: the whole service on embedded defaults — Temporal dev server, SQLite, worker,
 * API and (without Twilio credentials) a local Twilio emulator. Ctrl-C stops all of it.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { formatDuration, loadConfigOrExit } from '../config';
import { toolPath } from '../embedded/project';
import { startStack, type RunningStack } from '../embedded/stack';
import { webhookLines } from '../embedded/webhook-banner';
import { createLogger } from '../logging';
import { loadOrGenerateKeys } from '../temporal/payload-keys';
import { logWebhookIntake, warnIfWebhooksOpen } from '../runtime/api';
import { installTemporalRuntime } from '../temporal/runtime';
import { exitIfCacheDoesNotFit } from '../runtime/worker-heap';
import { onShutdownSignal } from './signals';

async function run(): Promise<void> {
  const configured = loadConfigOrExit();
  exitIfCacheDoesNotFit(configured);
  // The monitoring API never runs open: without API_TOKEN, this run gets a token of its own.
  const generatedToken = configured.apiToken ? null : randomBytes(24).toString('hex');
  // Nor do webhooks: without WEBHOOK_SECRET (and without WEBHOOK_AUTH=off), one per run.
  const generatedSecret =
    configured.webhookSecret || !configured.webhookAuth ? null : randomBytes(24).toString('hex');
  const config = {
    ...configured,
    ...(generatedToken ? { apiToken: generatedToken } : {}),
    ...(generatedSecret ? { webhookSecret: generatedSecret } : {}),
    payload: localPayloadKeys(configured),
  };
  const logger = createLogger(config.logLevel, { name: 'recovery' });
  warnIfWebhooksOpen(config, logger);
  logWebhookIntake(config, logger);
  installTemporalRuntime(logger, config.temporal.metricsAddress);
  const stack = await startStack(config, logger, { emulatorPort: config.twilioEmulatorPort });
  onShutdownSignal(async (signal) => {
    process.stdout.write(
      `\n${signal} received: stopping API, worker${stack.devServer ? ', Temporal dev server' : ''}...\n`,
    );
    await stack.stop();
    process.stdout.write('stopped.\n');
  });
  process.stdout.write(banner(stack, { token: generatedToken, secret: generatedSecret }));
}

/**
 * Without PAYLOAD_KEYS, this machine's own key: generated once into DATA_DIR (mode 0600),
 * reused by later runs so the histories they wrote stay readable.
 */
function localPayloadKeys(config: RunningStack['config']): RunningStack['config']['payload'] {
  if (!config.payload.encryption || config.payload.keys.length > 0) return config.payload;
  const { keys, file, created } = loadOrGenerateKeys(config.dataDir);
  const where = path.relative(process.cwd(), file) || file;
  process.stdout.write(
    created
      ? `Generated a payload encryption key into ${where} (mode 0600): Temporal histories hold ciphertext; keep the file, or set PAYLOAD_KEYS.\n`
      : `Payload encryption key from ${where} (set PAYLOAD_KEYS to use your own).\n`,
  );
  return { ...config.payload, keys };
}

function quietHours(config: RunningStack['config']): string {
  const quiet = config.recovery.quietHours;
  if (!quiet) return 'off';
  const clock = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${clock(quiet.startMinute)}-${clock(quiet.endMinute)} ${quiet.timeZone} (an SMS due then waits until ${clock(quiet.endMinute)})`;
}

interface Generated {
  token: string | null;
  secret: string | null;
}

function banner({ config, api, devServer, emulator }: RunningStack, generated: Generated): string {
  const cli = devServer
    ? path.relative(process.cwd(), toolPath('temporal')) || 'temporal'
    : 'temporal';
  const db =
    config.database.client === 'sqlite'
      ? `SQLite ${path.relative(process.cwd(), config.database.filename)}`
      : 'PostgreSQL (DATABASE_URL)';
  const sms = emulator
    ? `local Twilio emulator ${emulator.url} (nothing leaves this machine; sent messages: ${emulator.url}/__emulator/messages)`
    : `Twilio${config.twilioApiUrl ? ` at ${config.twilioApiUrl}` : ''}`;
  const lines = [
    '',
    'PIX recovery is running',
    `  API              ${api.url}`,
    ...webhookLines(api.url, config, generated.secret !== null),
    `  Health           ${api.url}/api/webhooks/health/`,
    devServer
      ? `  Temporal Web UI  ${devServer.uiUrl}`
      : `  Temporal         ${config.temporal.address} (namespace ${config.temporal.namespace})`,
    `  Temporal CLI     ${cli} workflow list --address ${config.temporal.address}`,
    `  Audit database   ${db}`,
    `  Codec server     ${api.url}/codec (Bearer API token; the Web UI decodes payloads through it)`,
    `  SMS              ${sms}`,
    `  Recovery steps   ${config.recovery.steps.map(formatDuration).join(', ')}`,
    `  Quiet hours      ${quietHours(config)}`,
    generated.token
      ? `  API token        ${generated.token} (generated for this run; set API_TOKEN to choose one)`
      : '  API token        from API_TOKEN',
    webhookLine(config, generated.secret),
    '',
    ...tryIt(api.url, config, generated.secret),
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}

function webhookLine(config: RunningStack['config'], generatedSecret: string | null): string {
  if (!config.webhookAuth)
    return '  Webhook secret   OFF (WEBHOOK_AUTH=off): anyone who reaches the API can trigger SMS';
  return generatedSecret
    ? `  Webhook secret   ${generatedSecret} (generated for this run; set WEBHOOK_SECRET to choose one)`
    : '  Webhook secret   from WEBHOOK_SECRET (send it in the X-Webhook-Token header)';
}

/** A webhook to paste, with the secret in the header (the query form is for gateways that can't). */
function tryIt(
  apiUrl: string,
  config: RunningStack['config'],
  generatedSecret: string | null,
): string[] {
  const secret = config.webhookAuth ? (generatedSecret ?? '$WEBHOOK_SECRET') : null;
  return [
    'Try it (a waiting PIX: the recovery is scheduled):',
    `  curl -s -X POST ${apiUrl}/api/webhooks/tribopay/ \\`,
    ...(secret ? [`    -H 'X-Webhook-Token: ${secret}' \\`] : []),
    `    -H 'Content-Type: application/json' \\`,
    `    -d '{"status":"waiting_payment","method":"pix","customer":{"name":"Maria Silva","phone_number":"(11) 98765-4321"},"transaction":{"id":"try-1","amount":"4990"}}'`,
    '',
  ];
}

run().catch((err) => {
  console.error(`start failed: ${(err as Error).message}`);
  process.exit(1);
});
