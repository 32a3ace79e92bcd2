import path from 'node:path';
import { defaultSqliteFile, envSchema, type Env } from './schema';

export { formatDuration, parseDuration } from './duration';

export type DatabaseConfig =
  | { client: 'pg'; url: string }
  | { client: 'sqlite'; filename: string };

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** Exactly one of `from` and `messagingServiceSid` is used; the service SID wins. */
  from?: string;
  messagingServiceSid?: string;
}

export interface Config {
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  temporal: { address: string; namespace: string; taskQueue: string; uiPort: number };
  recoveryDelayMs: number;
  attributionWindowMs: number;
  /** null when no credentials are set: the SMS step then fails with a clear reason. */
  twilio: TwilioConfig | null;
  twilioApiUrl?: string;
  smsTemplate?: string;
  webhookSecret?: string;
  apiToken?: string;
  publicUrl?: string;
  logLevel: Env['LOG_LEVEL'];
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

function twilioFrom(env: Env, issues: ConfigIssue[]): TwilioConfig | null {
  const sid = env.TWILIO_ACCOUNT_SID;
  const token = env.TWILIO_AUTH_TOKEN;
  const sender = env.TWILIO_MESSAGING_SERVICE_SID ?? env.TWILIO_PHONE_NUMBER;
  if (!sid && !token && !sender) return null;
  if (!sid) issues.push({ variable: 'TWILIO_ACCOUNT_SID', message: 'required when any Twilio setting is given' });
  if (!token) issues.push({ variable: 'TWILIO_AUTH_TOKEN', message: 'required when any Twilio setting is given' });
  if (!sender) {
    issues.push({
      variable: 'TWILIO_PHONE_NUMBER',
      message: 'required (or TWILIO_MESSAGING_SERVICE_SID) when Twilio credentials are given',
    });
  }
  if (!sid || !token || !sender) return null;
  return env.TWILIO_MESSAGING_SERVICE_SID
    ? { accountSid: sid, authToken: token, messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID }
    : { accountSid: sid, authToken: token, from: env.TWILIO_PHONE_NUMBER };
}

function databaseFrom(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (!url) return { client: 'sqlite', filename: defaultSqliteFile(env.DATA_DIR) };
  if (url.startsWith('sqlite:')) return { client: 'sqlite', filename: path.resolve(url.slice('sqlite:'.length)) };
  return { client: 'pg', url };
}

/** Parses the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(withLegacyNames(rawEnv));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
    );
  }
  const env = parsed.data;
  const issues: ConfigIssue[] = [];
  const twilio = twilioFrom(env, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze({
    port: env.PORT,
    dataDir: path.resolve(env.DATA_DIR),
    database: databaseFrom(env),
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiPort: env.TEMPORAL_UI_PORT,
    },
    recoveryDelayMs: env.RECOVERY_DELAY,
    attributionWindowMs: env.ATTRIBUTION_WINDOW,
    twilio,
    twilioApiUrl: env.TWILIO_API_URL,
    smsTemplate: env.SMS_TEMPLATE,
    webhookSecret: env.WEBHOOK_SECRET,
    apiToken: env.API_TOKEN,
    publicUrl: env.PUBLIC_URL,
    logLevel: env.LOG_LEVEL,
  });
}

/** For entrypoints: a bad environment prints the named issues and exits non-zero. */
export function loadConfigOrExit(rawEnv: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  try {
    return loadConfig(rawEnv);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
