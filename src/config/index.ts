import path from 'node:path';
import { loadDotEnv } from './dotenv';
import type { QuietHours } from '../../workflows/quiet-hours';
import type { PayloadKey } from '../temporal/payload-keys';
import { quietHoursFrom, stepTemplatesFrom } from './recovery-rules';
import type { AllowedCountries } from '../domain/phone';
import { defaultSqliteFile, envSchema, type Env } from './schema';
import type { GatewaySettings } from '../gateways/settings';

export type { AllowedCountries } from '../domain/phone';

export { formatDuration, parseDuration } from './duration';

export type DatabaseConfig = { client: 'pg'; url: string } | { client: 'sqlite'; filename: string };

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** Exactly one of `from` and `messagingServiceSid` is used; the service SID wins. */
  from?: string;
  messagingServiceSid?: string;
  /** How long one HTTP call to Twilio may take (TWILIO_TIMEOUT); the sender's default if unset. */
  timeoutMs?: number;
}

/** TriboPay's transaction API, asked right before each TriboPay SMS whether it is still due. */
export interface TribopayApiConfig {
  /** Base URL (TRIBOPAY_API_URL); TRIBOPAY_TRANSACTION_PATH is appended. */
  url: string;
  /** TRIBOPAY_API_TOKEN: sent to TriboPay only, never logged. */
  token: string;
  timeoutMs: number;
}

/** How the API's HTTP server treats slow and numerous clients. */
export interface HttpLimits {
  /** A request must arrive in full within this (headers included). */
  requestTimeoutMs: number;
  maxConnections: number;
}

/** Who we text and what we put in the SMS from a webhook. */
export interface RecipientPolicy {
  allowedCountries: AllowedCountries;
  /** Hosts whose https links may go into an SMS; empty: no links from webhooks. */
  checkoutLinkHosts: readonly string[];
}

export interface Config {
  port: number;
  /** The API's listen address (HOST). */
  host: string;
  http: HttpLimits;
  /** false only when WEBHOOK_AUTH=off says so in so many words. */
  webhookAuth: boolean;
  recipients: RecipientPolicy;
  /** Where `npm start` runs its Twilio emulator (TWILIO_EMULATOR_PORT). */
  twilioEmulatorPort: number;
  dataDir: string;
  database: DatabaseConfig;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiPort: number;
    /** The Web UI operators open (TEMPORAL_UI_URL), for the monitoring API's links. */
    uiUrl: string;
    /** Where the worker serves the Temporal SDK's own Prometheus metrics, if anywhere. */
    metricsAddress?: string;
    /** Recoveries a worker keeps in memory between their tasks (WORKER_CACHED_WORKFLOWS). */
    cachedWorkflows: number;
    /** Worker slots and pollers (WORKER_*_TASK_SLOTS, WORKER_*_POLLERS). */
    workflowTaskSlots: number;
    activityTaskSlots: number;
    workflowPollers: number;
    activityPollers: number;
    /** Threads running workflow code (WORKER_WORKFLOW_THREADS). */
    workflowThreads: number;
  };
  /** How the API hands stored webhooks to Temporal (OUTBOX_*). */
  outbox: {
    concurrency: number;
    sweepIntervalMs: number;
    claimMs: number;
  };
  /** Where a worker serves its own /metrics (WORKER_METRICS_PORT); unset: nowhere. */
  workerMetricsPort?: number;
  /** The worker's V8 old-space limit in MiB (WORKER_HEAP_MB), set by scripts/worker-node.sh. */
  workerHeapMb: number;
  /** The first step's delay (RECOVERY_DELAY, or the first of RECOVERY_STEPS). */
  recoveryDelayMs: number;
  attributionWindowMs: number;
  recovery: RecoveryRules;
  /** null when no credentials are set: the SMS step then fails with a clear reason. */
  twilio: TwilioConfig | null;
  twilioApiUrl?: string;
  /** How long an SMS whose outcome is unknown is only looked up before it may be resent. */
  smsOutcomeSettleMs: number;
  /** null while TRIBOPAY_API_TOKEN is unset: the webhooks alone decide, as before. */
  tribopayApi: TribopayApiConfig | null;
  smsTemplate?: string;
  /** Temporal payload encryption: PAYLOAD_KEYS (first encrypts) and PAYLOAD_ENCRYPTION. */
  payload: { keys: readonly PayloadKey[]; encryption: boolean };
  /** Bearer token for the codec server (CODEC_TOKEN); API_TOKEN works too. */
  codecToken?: string;
  /** Audit rows older than this are anonymised (DATA_RETENTION). */
  dataRetentionMs: number;
  webhookSecret?: string;
  /** Each gateway's own webhook and API settings (src/gateways/settings.ts). */
  stripe: GatewaySettings['stripe'];
  pagarme: GatewaySettings['pagarme'];
  mercadopago: GatewaySettings['mercadopago'];
  asaas: GatewaySettings['asaas'];
  apiToken?: string;
  publicUrl?: string;
  logLevel: Env['LOG_LEVEL'];
}

export interface RecoveryRules {
  /** Each step's delay after the previous one fell due; one entry per SMS in the sequence. */
  steps: number[];
  /** Per step; undefined means the built-in template for that step. */
  templates: (string | undefined)[];
  quietHours: QuietHours | null;
  maxSmsPerPhone: number;
  frequencyWindowMs: number;
  /** Transliterate characters outside GSM-7 so a message stays in 160-character parts. */
  gsm7: boolean;
  /** The reply to an opt-out (OPT_OUT_REPLY); undefined = built-in text, null = none. */
  optOutReply?: string | null;
}

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Invalid configuration:\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** The names the Django system used; still honoured so old deployments keep working. */
const LEGACY_NAMES: Record<string, string> = {
  ACCOUNT_SID: 'TWILIO_ACCOUNT_SID',
  AUTH_TOKEN: 'TWILIO_AUTH_TOKEN',
  PHONE_NUMBER: 'TWILIO_PHONE_NUMBER',
};

function withLegacyNames(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged = { ...env };
  for (const [legacy, current] of Object.entries(LEGACY_NAMES)) {
    if (!merged[current]?.trim() && merged[legacy]?.trim()) merged[current] = merged[legacy];
  }
  return merged;
}

/** Which variable a value came from, so an error names the one the operator actually set. */
function sourceName(variable: string, env: NodeJS.ProcessEnv): string {
  const legacy = Object.keys(LEGACY_NAMES).find((name) => LEGACY_NAMES[name] === variable);
  return legacy && !env[variable]?.trim() && env[legacy]?.trim() ? legacy : variable;
}

/**
 * Decided on the raw values, not the parsed ones, so a missing Twilio setting is reported
 * in the same error as any malformed variable instead of only after that one is fixed.
 */
function missingTwilioSettings(env: NodeJS.ProcessEnv): ConfigIssue[] {
  const given = (name: string) => Boolean(env[name]?.trim());
  const sid = given('TWILIO_ACCOUNT_SID');
  const token = given('TWILIO_AUTH_TOKEN');
  const sender = given('TWILIO_MESSAGING_SERVICE_SID') || given('TWILIO_PHONE_NUMBER');
  if (!sid && !token && !sender) return [];
  const issues: ConfigIssue[] = [];
  if (!sid)
    issues.push({
      variable: 'TWILIO_ACCOUNT_SID',
      message: 'required when any Twilio setting is given',
    });
  if (!token)
    issues.push({
      variable: 'TWILIO_AUTH_TOKEN',
      message: 'required when any Twilio setting is given',
    });
  if (!sender) {
    issues.push({
      variable: 'TWILIO_PHONE_NUMBER',
      message: 'required (or TWILIO_MESSAGING_SERVICE_SID) when Twilio credentials are given',
    });
  }
  return issues;
}

/** Only called once missingTwilioSettings found nothing: all three are set, or none. */
function twilioFrom(env: Env): TwilioConfig | null {
  const sid = env.TWILIO_ACCOUNT_SID;
  const token = env.TWILIO_AUTH_TOKEN;
  if (!sid || !token) return null;
  const timeoutMs = env.TWILIO_TIMEOUT;
  return Object.freeze(
    env.TWILIO_MESSAGING_SERVICE_SID
      ? {
          accountSid: sid,
          authToken: token,
          messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
          timeoutMs,
        }
      : { accountSid: sid, authToken: token, from: env.TWILIO_PHONE_NUMBER, timeoutMs },
  );
}

function tribopayApiFrom(env: Env): TribopayApiConfig | null {
  if (!env.TRIBOPAY_API_TOKEN) return null;
  return Object.freeze({
    url: env.TRIBOPAY_API_URL,
    token: env.TRIBOPAY_API_TOKEN,
    timeoutMs: env.TRIBOPAY_API_TIMEOUT,
  });
}

function databaseFrom(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (!url) return { client: 'sqlite', filename: defaultSqliteFile(env.DATA_DIR) };
  if (url.startsWith('sqlite:'))
    return { client: 'sqlite', filename: path.resolve(url.slice('sqlite:'.length)) };
  return { client: 'pg', url };
}

/** RECOVERY_DELAY is the first step: when both are given they must agree. */
/** Temporal's worker quietly lowers workflow task slots to the cache size: refuse it instead. */
function workerIssues(env: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const cache = env.WORKER_CACHED_WORKFLOWS;
  if (cache !== 0 && env.WORKER_WORKFLOW_TASK_SLOTS > cache) {
    issues.push({
      variable: 'WORKER_WORKFLOW_TASK_SLOTS',
      message: `must not exceed WORKER_CACHED_WORKFLOWS (${cache}) unless the cache is off (0)`,
    });
  }
  // A poll holds a slot while it waits: more pollers than slots can't all be served.
  for (const kind of ['WORKFLOW', 'ACTIVITY'] as const) {
    const slots = env[`WORKER_${kind}_TASK_SLOTS`];
    if (env[`WORKER_${kind}_POLLERS`] > slots) {
      issues.push({
        variable: `WORKER_${kind}_POLLERS`,
        message: `must not exceed WORKER_${kind}_TASK_SLOTS (${slots})`,
      });
    }
  }
  return issues;
}

function stepIssues(rawEnv: NodeJS.ProcessEnv, env: Env): ConfigIssue[] {
  const steps = env.RECOVERY_STEPS;
  if (!steps || !rawEnv.RECOVERY_DELAY?.trim() || steps[0] === env.RECOVERY_DELAY) return [];
  return [
    {
      variable: 'RECOVERY_STEPS',
      message: 'its first step must equal RECOVERY_DELAY (or leave RECOVERY_DELAY unset)',
    },
  ];
}

/** Parses the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const merged = withLegacyNames(rawEnv);
  const parsed = envSchema.safeParse(merged);
  const issues: ConfigIssue[] = [
    ...(parsed.success ? [] : parsed.error.issues).map((issue) => ({
      variable: sourceName(String(issue.path[0] ?? '(environment)'), rawEnv),
      message: issue.message,
    })),
    ...missingTwilioSettings(merged),
    ...(parsed.success ? stepIssues(rawEnv, parsed.data) : []),
    ...(parsed.success ? workerIssues(parsed.data) : []),
  ];
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  const env = parsed.data;
  return Object.freeze({
    port: env.PORT,
    host: env.HOST,
    http: Object.freeze({
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT,
      maxConnections: env.HTTP_MAX_CONNECTIONS,
    }),
    webhookAuth: env.WEBHOOK_AUTH === 'on',
    recipients: Object.freeze({
      allowedCountries: Object.freeze(env.ALLOWED_COUNTRIES),
      checkoutLinkHosts: Object.freeze(env.CHECKOUT_LINK_HOSTS),
    }),
    twilioEmulatorPort: env.TWILIO_EMULATOR_PORT,
    dataDir: path.resolve(env.DATA_DIR),
    // Frozen all the way down, so no consumer can change another's view of the settings.
    database: Object.freeze(databaseFrom(env)),
    temporal: Object.freeze({
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiPort: env.TEMPORAL_UI_PORT,
      // The dev server `npm start` runs serves its UI on TEMPORAL_UI_PORT.
      uiUrl: env.TEMPORAL_UI_URL ?? `http://localhost:${env.TEMPORAL_UI_PORT}`,
      metricsAddress: env.TEMPORAL_METRICS_ADDRESS,
      cachedWorkflows: env.WORKER_CACHED_WORKFLOWS,
      workflowTaskSlots: env.WORKER_WORKFLOW_TASK_SLOTS,
      activityTaskSlots: env.WORKER_ACTIVITY_TASK_SLOTS,
      workflowPollers: env.WORKER_WORKFLOW_POLLERS,
      activityPollers: env.WORKER_ACTIVITY_POLLERS,
      workflowThreads: env.WORKER_WORKFLOW_THREADS,
    }),
    outbox: Object.freeze({
      concurrency: env.OUTBOX_CONCURRENCY,
      sweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL,
      claimMs: env.OUTBOX_CLAIM_TIMEOUT,
    }),
    workerMetricsPort: env.WORKER_METRICS_PORT,
    workerHeapMb: env.WORKER_HEAP_MB,
    recoveryDelayMs: env.RECOVERY_STEPS?.[0] ?? env.RECOVERY_DELAY,
    attributionWindowMs: env.ATTRIBUTION_WINDOW,
    recovery: Object.freeze({
      steps: Object.freeze(env.RECOVERY_STEPS ?? [env.RECOVERY_DELAY]) as number[],
      templates: Object.freeze(stepTemplatesFrom(env)) as (string | undefined)[],
      quietHours: quietHoursFrom(env.QUIET_HOURS, env.QUIET_HOURS_TZ),
      maxSmsPerPhone: env.MAX_SMS_PER_PHONE,
      frequencyWindowMs: env.FREQUENCY_WINDOW,
      gsm7: env.SMS_GSM7,
      optOutReply: /^off$/i.test(env.OPT_OUT_REPLY ?? '') ? null : env.OPT_OUT_REPLY,
    }),
    twilio: twilioFrom(env),
    twilioApiUrl: env.TWILIO_API_URL,
    smsOutcomeSettleMs: env.SMS_OUTCOME_SETTLE,
    tribopayApi: tribopayApiFrom(env),
    smsTemplate: env.SMS_TEMPLATE,
    payload: Object.freeze({
      keys: Object.freeze(env.PAYLOAD_KEYS ?? []),
      encryption: env.PAYLOAD_ENCRYPTION === 'on',
    }),
    codecToken: env.CODEC_TOKEN,
    dataRetentionMs: env.DATA_RETENTION,
    webhookSecret: env.WEBHOOK_SECRET,
    stripe: Object.freeze({ webhookSecrets: Object.freeze(env.STRIPE_WEBHOOK_SECRET) }),
    pagarme: Object.freeze({
      jwksUrl: env.PAGARME_WEBHOOK_JWKS_URL,
      accountIds: Object.freeze(env.PAGARME_ACCOUNT_ID),
    }),
    mercadopago: Object.freeze({
      webhookSecret: env.MERCADOPAGO_WEBHOOK_SECRET,
      accessToken: env.MERCADOPAGO_ACCESS_TOKEN,
      apiUrl: env.MERCADOPAGO_API_URL,
    }),
    asaas: Object.freeze({
      webhookToken: env.ASAAS_WEBHOOK_TOKEN,
      apiKey: env.ASAAS_API_KEY,
      apiUrl: env.ASAAS_API_URL,
    }),
    apiToken: env.API_TOKEN,
    publicUrl: env.PUBLIC_URL,
    logLevel: env.LOG_LEVEL,
  });
}

/** For entrypoints: a bad environment prints the named issues and exits non-zero. */
export function loadConfigOrExit(rawEnv?: NodeJS.ProcessEnv): Readonly<Config> {
  try {
    if (!rawEnv) loadDotEnv();
    return loadConfig(rawEnv ?? process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
