import path from 'node:path';
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration';
import { flag, positiveCount, quietHoursWindow, recoverySteps, timeZone } from './recovery-rules';
import {
  ACCOUNT_SID,
  ACCOUNT_SID_HINT,
  blankToUndefined,
  E164,
  E164_HINT,
  MESSAGING_SERVICE_SID,
  MESSAGING_SERVICE_SID_HINT,
} from '../domain/formats';
import { parsePayloadKeys } from '../temporal/payload-keys';
import { DEFAULT_WORKER_HEAP_MB } from '../runtime/worker-node-flags';
import { countryList, hostList, smsTemplate } from './safety';

const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

function duration(fallback: string, maxMs = Number.MAX_SAFE_INTEGER, minMs = 1) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === null || ms <= 0) {
          ctx.addIssue({
            code: 'custom',
            message: `expected a positive duration like 30s, 10m, 1h or a number of milliseconds, got "${text}"`,
          });
          return z.NEVER;
        }
        if (ms > maxMs) {
          ctx.addIssue({ code: 'custom', message: `must be at most ${formatDuration(maxMs)}` });
          return z.NEVER;
        }
        if (ms < minMs) {
          ctx.addIssue({ code: 'custom', message: `must be at least ${formatDuration(minMs)}` });
          return z.NEVER;
        }
        return ms;
      }),
  );
}

function wholeNumber(fallback: number, min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.preprocess(
    blankToUndefined,
    z.coerce.number({ message }).int(message).min(min, message).max(max, message).default(fallback),
  );
}

const port = z.preprocess(
  blankToUndefined,
  z.coerce
    .number({ message: 'expected a port number' })
    .int('expected a whole port number')
    .min(0)
    .max(65535)
    .default(8000),
);

const httpUrl = z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional());

/** A secret must be long enough that guessing it is hopeless; its value is never echoed. */
const secret = z.preprocess(
  blankToUndefined,
  z.string().min(16, 'must be at least 16 characters long').optional(),
);

/**
 * A credential for someone else's API: any length they issue, but no inner spaces a
 * copy-paste could have left. Like `secret`, its value never appears in an issue.
 */
const apiCredential = z.preprocess(
  blankToUndefined,
  z.string().trim().regex(/^\S+$/, 'must not contain spaces').optional(),
);

/**
 * TriboPay's public API base, as integrations in the wild call it; TriboPay documents no
 * status endpoint we could check it against (see TRIBOPAY_TRANSACTION_PATH).
 */
const TRIBOPAY_DEFAULT_API_URL = 'https://api.tribopay.com.br/api/public/v1';

/**
 * The status check runs inside the SMS activity's 30-second attempt, before Twilio is
 * called: a slow gateway must never be able to eat that attempt.
 */
const MAX_GATEWAY_TIMEOUT_MS = 10_000;

/**
 * Where Pagar.me publishes its webhook signing keys (its official WooCommerce module reads
 * them there; the documentation we could reach does not say, hence the setting).
 */
const PAGARME_DEFAULT_JWKS_URL = 'https://hubapi.pagar.me/.well-known/jwks.json';

/** An API's base URL, defaulting to the gateway's own; tests point it at an emulator. */
const apiBase = (fallback: string) =>
  z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).default(fallback));

/** A comma-separated list, each item trimmed and checked; unset or blank: none. */
const commaList = (valid: (item: string) => boolean, message: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return [];
        const items = text.split(',').map((item) => item.trim());
        if (!items.every(valid)) {
          ctx.addIssue({ code: 'custom', message });
          return z.NEVER;
        }
        return items;
      }),
  );

/**
 * The seller's Pagar.me account ids (PAGARME_ACCOUNT_ID): a webhook signed by Pagar.me
 * proves only that it came from Pagar.me, from any of its accounts, so its `account.id`
 * must be one of these.
 */
const accountIdList = commaList(
  (item) => /^[A-Za-z0-9_-]{1,64}$/.test(item),
  'expected comma-separated Pagar.me account ids (acc_…: letters, digits, _ or -, up to 64 each)',
);

/**
 * Secrets a rotation may hold two of (STRIPE_WEBHOOK_SECRET): comma-separated, each long
 * enough to be a secret; the values never appear in an issue.
 */
const secretList = commaList(
  (item) => item.length >= 16 && !/\s/.test(item),
  'expected comma-separated secrets of at least 16 characters, without spaces',
);

/**
 * One Twilio call must give up well inside the SMS activity's 30-second attempt, which
 * also holds the gateway status check (at most 10 s), so the activity itself learns that
 * the outcome is unknown and records it before Temporal cuts the attempt.
 */
const MAX_TWILIO_TIMEOUT_MS = 15_000;

/**
 * How long a message whose creation may have reached Twilio is only looked up, never
 * resent. Under a minute, a slow Twilio could still be committing it; the SMS activity
 * retries for an hour at most, so the wait must end well before.
 */
const MIN_OUTCOME_SETTLE_MS = 60_000;
const MAX_OUTCOME_SETTLE_MS = 30 * 60_000;

const MIN_WORKER_HEAP_MB = 128;
const MAX_WORKER_HEAP_MB = 65_536;
const heapMessage = `expected a whole number of MiB from ${MIN_WORKER_HEAP_MB} to ${MAX_WORKER_HEAP_MB}, e.g. 1024`;

/**
 * Every environment variable the service reads. Old names from the system we replace
 * (`ACCOUNT_SID`, `AUTH_TOKEN`, `PHONE_NUMBER`) are folded in before parsing.
 */
export const envSchema = z.object({
  PORT: port,
  /**
   * The API's listen address. Loopback unless told otherwise: the container image sets
   * 0.0.0.0, where the port is published on purpose.
   */
  HOST: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[\w.:-]+$/, 'expected an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0')
      .default('127.0.0.1'),
  ),
  /** `off` is the only way to accept unauthenticated webhooks; it is logged at every start. */
  WEBHOOK_AUTH: z.preprocess(
    blankToUndefined,
    z.enum(['on', 'off'], { message: 'expected on or off' }).default('on'),
  ),
  /** The longest a request may take to arrive in full; a slow upload is cut off after it. */
  HTTP_REQUEST_TIMEOUT: duration('10s', 120_000),
  /** Connections the API holds open at once; beyond it new ones are refused. */
  HTTP_MAX_CONNECTIONS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'expected a whole number of connections' })
      .int('expected a whole number of connections')
      .min(1)
      .max(100_000)
      .default(512),
  ),
  ALLOWED_COUNTRIES: countryList,
  CHECKOUT_LINK_HOSTS: hostList,
  /** The stand-alone emulator (`dist/src/bin/twilio-emulator.js`) only: loopback addresses. */
  TWILIO_EMULATOR_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  TWILIO_EMULATOR_STATUS_CALLBACKS: flag,
  TWILIO_EMULATOR_PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'expected a port number' })
      .int('expected a whole port number')
      .min(0)
      .max(65535)
      .default(8025),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('data')),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(
        /^(postgres(ql)?:\/\/|sqlite:.)/,
        'expected postgres://user@host:5432/db or sqlite:/path/to/file.sqlite3',
      )
      .optional(),
  ),
  TEMPORAL_ADDRESS: z.preprocess(blankToUndefined, z.string().default('localhost:7233')),
  TEMPORAL_NAMESPACE: z.preprocess(blankToUndefined, z.string().default('default')),
  TEMPORAL_TASK_QUEUE: z.preprocess(blankToUndefined, z.string().default('sms-recovery')),
  TEMPORAL_UI_PORT: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(1).max(65535).default(8233),
  ),
  TEMPORAL_UI_URL: httpUrl,
  TEMPORAL_METRICS_ADDRESS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[\w.-]+:\d+$/, 'expected host:port, e.g. 0.0.0.0:9464')
      .optional(),
  ),
  WORKER_METRICS_PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'expected a port number' })
      .int('expected a whole port number')
      .min(0)
      .max(65535)
      .optional(),
  ),
  /**
   * Recoveries a worker keeps in memory between their tasks. A recovery spends almost all
   * its life waiting on a timer; one kept in the cache costs about 0.1 MB (the SDK's own
   * default, sized from the heap limit, is ~2,300: 10,000 waiting recoveries held 666 MiB);
   * one that was evicted replays its short history (a dozen events) when its timer fires or
   * a status arrives. See BENCHMARKS.md, "Before and after".
   */
  WORKER_CACHED_WORKFLOWS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'expected a whole number of workflows, e.g. 100' })
      .int('expected a whole number of workflows, e.g. 100')
      .min(0, 'expected 0 (no cache) or 2 or more')
      .max(100_000, 'expected at most 100000')
      // Temporal's worker takes 1 as 2, with a warning: refuse it instead.
      .refine((n) => n !== 1, 'expected 0 (no cache) or 2 or more')
      .default(100),
  ),
  /**
   * The worker's V8 old-space limit in MiB (`--max-old-space-size`), which
   * scripts/worker-node.sh starts node with: the command line is the one place V8 takes it
   * from that NODE_OPTIONS can't override. Below 128 MiB the worker's own ~25 MiB per isolate
   * and a burst's garbage leave nothing to spare; above 64 GiB is no machine this runs on.
   */
  WORKER_HEAP_MB: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: heapMessage })
      .int(heapMessage)
      .min(MIN_WORKER_HEAP_MB, heapMessage)
      .max(MAX_WORKER_HEAP_MB, heapMessage)
      .default(DEFAULT_WORKER_HEAP_MB),
  ),
  /**
   * Worker tuning (see README, "Scaling"). Task slots bound what one worker process runs at
   * once, pollers how many long-polls it keeps open per queue. The defaults are the SDK's
   * own; the burst of 500 SMS due at once measured with them (BENCHMARKS.md, "Issue 16's
   * targets") went at the Temporal server's pace, not the slots'. Other slot values were not
   * tried; 2 pollers of each kind instead of 10 cost more CPU per SMS in one burst pair
   * (BENCHMARKS.md, "Worker memory and the heap flags").
   */
  WORKER_WORKFLOW_TASK_SLOTS: wholeNumber(40, 1, 10_000),
  WORKER_ACTIVITY_TASK_SLOTS: wholeNumber(100, 1, 10_000),
  WORKER_WORKFLOW_POLLERS: wholeNumber(10, 2, 1_000),
  WORKER_ACTIVITY_POLLERS: wholeNumber(10, 1, 1_000),
  /**
   * Threads that run a worker's workflow code (activations and replays). The SDK's default,
   * one, is the thread a burst saturates; each thread more holds its own copy of the
   * workflow bundle. See BENCHMARKS.md, "Session 8".
   */
  WORKER_WORKFLOW_THREADS: wholeNumber(1, 1, 16),
  /** Outbox hand-offs one sweep runs at once when draining a backlog. */
  OUTBOX_CONCURRENCY: wholeNumber(64, 1, 1_000),
  /** How often each API process looks for outbox rows nobody is handing off. */
  OUTBOX_SWEEP_INTERVAL: duration('1s', 60_000),
  /**
   * How long a claimed outbox row is one process's to hand off; after that another takes
   * it (the claimer died). A hand-off's calls to Temporal end within half of it (5 s at
   * most), so a slow hand-off is over, recorded or released, before a second process
   * repeats it.
   */
  OUTBOX_CLAIM_TIMEOUT: duration('30s', 3_600_000, 6_000),
  RECOVERY_DELAY: duration('10m'),
  ATTRIBUTION_WINDOW: duration('24h'),
  TWILIO_ACCOUNT_SID: z.preprocess(
    blankToUndefined,
    z.string().regex(ACCOUNT_SID, ACCOUNT_SID_HINT).optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_PHONE_NUMBER: z.preprocess(blankToUndefined, z.string().regex(E164, E164_HINT).optional()),
  TWILIO_MESSAGING_SERVICE_SID: z.preprocess(
    blankToUndefined,
    z.string().regex(MESSAGING_SERVICE_SID, MESSAGING_SERVICE_SID_HINT).optional(),
  ),
  TWILIO_API_URL: httpUrl,
  TWILIO_TIMEOUT: duration('10s', MAX_TWILIO_TIMEOUT_MS),
  SMS_OUTCOME_SETTLE: duration('2m', MAX_OUTCOME_SETTLE_MS).refine(
    (ms) => ms >= MIN_OUTCOME_SETTLE_MS,
    'must be at least 1m: a shorter wait could send a second SMS while Twilio still commits the first',
  ),
  SMS_TEMPLATE: smsTemplate,
  SMS_TEMPLATE_2: smsTemplate,
  SMS_TEMPLATE_3: smsTemplate,
  SMS_TEMPLATE_4: smsTemplate,
  SMS_TEMPLATE_5: smsTemplate,
  RECOVERY_STEPS: recoverySteps,
  QUIET_HOURS: quietHoursWindow,
  QUIET_HOURS_TZ: timeZone,
  MAX_SMS_PER_PHONE: positiveCount(1),
  FREQUENCY_WINDOW: duration('24h'),
  SMS_GSM7: flag,
  OPT_OUT_REPLY: optionalString,
  TRIBOPAY_API_TOKEN: apiCredential,
  TRIBOPAY_API_URL: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^https?$/ }).default(TRIBOPAY_DEFAULT_API_URL),
  ),
  TRIBOPAY_API_TIMEOUT: duration('3s', MAX_GATEWAY_TIMEOUT_MS),
  STRIPE_WEBHOOK_SECRET: secretList,
  PAGARME_WEBHOOK_JWKS_URL: apiBase(PAGARME_DEFAULT_JWKS_URL),
  PAGARME_ACCOUNT_ID: accountIdList,
  MERCADOPAGO_WEBHOOK_SECRET: secret,
  MERCADOPAGO_ACCESS_TOKEN: apiCredential,
  MERCADOPAGO_API_URL: apiBase('https://api.mercadopago.com'),
  ASAAS_WEBHOOK_TOKEN: secret,
  ASAAS_API_KEY: apiCredential,
  ASAAS_API_URL: apiBase('https://api.asaas.com/v3'),
  /** id:base64 AES-256 keys; the first encrypts Temporal payloads, all decrypt. Never echoed. */
  PAYLOAD_KEYS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((text, ctx) => {
        try {
          return parsePayloadKeys(text);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
  ),
  PAYLOAD_ENCRYPTION: z.preprocess(
    blankToUndefined,
    z.enum(['on', 'off'], { message: 'expected on or off' }).default('on'),
  ),
  CODEC_TOKEN: secret,
  DATA_RETENTION: duration('180d'),
  WEBHOOK_SECRET: secret,
  API_TOKEN: secret,
  PUBLIC_URL: httpUrl,
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

export type Env = z.infer<typeof envSchema>;

export function defaultSqliteFile(dataDir: string): string {
  return path.resolve(dataDir, 'recovery.sqlite3');
}
