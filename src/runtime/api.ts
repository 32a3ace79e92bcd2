import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Config, HttpLimits } from '../config';
import type { Db } from '../db/connect';
import { statusCallbackUrl } from '../sms-status/callback-url';
import { createHealthCheck } from '../health';
import { webhookIntake } from '../gateways/intake-summary';
import { createApp } from '../http/app';
import { createOutboxRelay } from '../intake/outbox-relay';
import type { Logger } from '../logging';
import { createMetrics, type Metrics } from '../metrics/metrics';
import { createSmsSender } from '../sms/sender';
import { connectClient } from '../temporal/clients';
import { temporalTarget } from '../temporal/connect';
import { payloadCodec } from '../temporal/encryption';
import { phoneScrubber } from '../privacy/anonymise';
import { erasePhone } from '../privacy/erase';
import { createRecoveryClient } from '../temporal/recovery-client';

export interface RunningApi {
  url: string;
  server: http.Server;
  client: Client;
  close(): Promise<void>;
}

/**
 * Why `start:api` must not start: no gateway's webhook secret is configured (its webhooks
 * would all be refused) and the intake was not opened on purpose. null when it may: a
 * seller on Stripe alone sets STRIPE_WEBHOOK_SECRET and nothing else.
 */
export function webhookAuthProblem(config: Config): string | null {
  if (!config.webhookAuth || webhookIntake(config).some((g) => g.accepting)) return null;
  return (
    "No gateway's webhook secret is set, so every webhook would be refused. Set the one for " +
    'each gateway you take payments from: WEBHOOK_SECRET is not set (TriboPay and GhostPay; ' +
    '16+ characters, e.g. `openssl rand -hex 24`), nor STRIPE_WEBHOOK_SECRET, ' +
    'MERCADOPAGO_WEBHOOK_SECRET or ASAAS_WEBHOOK_TOKEN; Pagar.me signs with keys of its own, ' +
    'the same for every account: set PAGARME_ACCOUNT_ID to your account id(s). Or set ' +
    'WEBHOOK_AUTH=off to accept unauthenticated webhooks on purpose.'
  );
}

/** Said at every start while WEBHOOK_AUTH=off, so nobody forgets the intake is open. */
export function warnIfWebhooksOpen(config: Config, logger: Logger): void {
  if (config.webhookAuth) return;
  logger.warn(
    'WEBHOOK_AUTH=off: webhooks are accepted without a token; anyone who can reach the API can make it send SMS',
  );
}

/**
 * Said at every start with authentication on: which gateways' webhooks are checked and
 * may be recorded, and which are all refused (401) until their setting is given.
 */
export function logWebhookIntake(config: Config, logger: Logger): void {
  if (!config.webhookAuth) return;
  const intake = webhookIntake(config);
  const accepting = intake.filter((g) => g.accepting).map((g) => g.gateway);
  const refused = intake.filter((g) => !g.accepting);
  const refusedText = refused.map((g) => `${g.gateway} (set ${g.setting})`).join(', ');
  logger.info(
    { accepting, refused: refused.map((g) => g.gateway) },
    `webhooks accepted from: ${accepting.join(', ') || 'none'}; ` +
      `refused (401) for lack of a secret: ${refusedText || 'none'}`,
  );
}

export async function startApi(
  config: Config,
  db: Db,
  logger: Logger,
  host = config.host,
  metrics?: Metrics,
  /** `npm start`: its dev server's Web UI, which reaches the codec through a per-run path. */
  codecUi?: { session: string; url: string },
): Promise<RunningApi> {
  const codec = payloadCodec(config, logger);
  const client = await connectClient(temporalTarget(config), codec);
  const recoveries = createRecoveryClient(client, {
    taskQueue: config.temporal.taskQueue,
    delayMs: config.recoveryDelayMs,
    attributionWindowMs: config.attributionWindowMs,
    steps: config.recovery.steps,
    quietHours: config.recovery.quietHours,
  });
  // Signals the recoveries of stored webhooks; its sweeper also takes what other processes left.
  const relay = createOutboxRelay({ db, recoveries, logger, settings: config.outbox });
  const apiMetrics = metrics ?? createMetrics({ audit: { db, logger }, process: true });
  const app = createApp({
    db,
    logger,
    webhookSecret: config.webhookSecret,
    gateways: config,
    webhookAuthOff: !config.webhookAuth,
    recipients: config.recipients,
    metrics: apiMetrics,
    // Callbacks are verified against the URL Twilio was given, so both are needed.
    twilioCallbacks:
      config.twilio && config.publicUrl
        ? { authToken: config.twilio.authToken, publicUrl: config.publicUrl }
        : undefined,
    optOutReply: config.recovery.optOutReply,
    health: createHealthCheck(db, client, config.temporal.taskQueue),
    // The monitoring API: its token, the real SMS sender for test messages, Web UI links.
    apiToken: config.apiToken,
    sms: createSmsSender(config.twilio, config.twilioApiUrl),
    smsTemplate: config.smsTemplate,
    statusCallbackUrl: config.publicUrl ? statusCallbackUrl(config.publicUrl) : undefined,
    temporalUiUrl: config.temporal.uiUrl,
    namespace: client.options.namespace,
    recoveries,
    relay,
    erasePhone: (phone) =>
      erasePhone(
        { db, temporal: client, scrub: phoneScrubber(config.payload.keys), logger },
        phone,
      ),
    codecServer: {
      codec,
      codecTokens: { codec: config.codecToken, api: config.apiToken },
      codecUiSession: codecUi?.session,
      uiUrls: [config.temporal.uiUrl, ...(codecUi ? [codecUi.url] : [])],
    },
  });
  const handle = app.callback();
  const server = createServer(config.http, (req, res) => void handle(req, res));
  reportDroppedConnections(server, config.http.maxConnections, apiMetrics, logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  relay.start();
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    client,
    server,
    async close() {
      // Stop accepting, let in-flight webhooks finish, then drop idle keep-alive sockets.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      // Rows still unsent stay in the outbox for the next sweep, here or in another process.
      await relay.stop();
      await client.connection.close();
    },
  };
}

/**
 * A connection beyond the cap is closed by Node before any request is read: the client sees
 * a reset, and nothing else would show it. Each is counted, and logged as a warning at once
 * and then at most once per `everyMs` with the count since, so a flood can't flood the log.
 */
export function reportDroppedConnections(
  server: http.Server,
  maxConnections: number,
  metrics: Pick<Metrics, 'connectionsDropped'>,
  logger: Logger,
  everyMs = 10_000,
): void {
  let unreported = 0;
  let window: NodeJS.Timeout | null = null;
  const report = () => {
    if (unreported === 0) return;
    logger.warn(
      { dropped: unreported, maxConnections },
      `API: dropped ${unreported} connection(s) unanswered: HTTP_MAX_CONNECTIONS (${maxConnections}) were open`,
    );
    unreported = 0;
  };
  server.on('drop', () => {
    metrics.connectionsDropped.inc();
    unreported += 1;
    if (window) return;
    report();
    window = setTimeout(() => {
      window = null;
      report();
    }, everyMs);
    window.unref();
  });
}

/**
 * Node's defaults let a client hold a connection for 300 s per request and open as many
 * as it likes; a few hundred slow uploads then pin memory. A request must arrive within
 * `requestTimeoutMs` (headers within 10 s at most), and connections beyond the cap are
 * dropped on arrival.
 */
export function createServer(limits: HttpLimits, listener?: http.RequestListener): http.Server {
  const server = http.createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(10_000, limits.requestTimeoutMs),
      // How often Node looks for expired requests; its default (30 s) would blur the timeouts.
      connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
    },
    listener,
  );
  server.keepAliveTimeout = 65_000; // longer than common proxies' idle timeouts
  server.maxConnections = limits.maxConnections;
  return server;
}
