import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../src/config';
import { envSchema } from '../../src/config/schema';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const SERVICE_SID = `MG${'fedcba9876543210'.repeat(2)}`;
const TOKEN = 'twilio-auth-token-value';
const PHONE = '+5511987654321';
const TWILIO = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: PHONE };

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

const badVariables = (env: NodeJS.ProcessEnv) =>
  configError(env).issues.map((issue) => issue.variable);

describe('configuration with nothing set', () => {
  it('runs on port 8000 against a SQLite file under data/ and the local Temporal dev server', () => {
    expect(loadConfig({})).toEqual({
      port: 8000,
      // Safe by default: loopback, webhooks authenticated, Brazilian mobiles, no links.
      host: '127.0.0.1',
      http: { requestTimeoutMs: 10_000, maxConnections: 512 },
      webhookAuth: true,
      recipients: {
        allowedCountries: { countries: ['BR'], prefixes: [] },
        checkoutLinkHosts: [],
      },
      twilioEmulatorPort: 8025,
      dataDir: path.resolve('data'),
      database: { client: 'sqlite', filename: path.resolve('data', 'recovery.sqlite3') },
      temporal: {
        address: 'localhost:7233',
        namespace: 'default',
        taskQueue: 'sms-recovery',
        uiPort: 8233,
        uiUrl: 'http://localhost:8233',
        cachedWorkflows: 100,
        workflowTaskSlots: 40,
        activityTaskSlots: 100,
        workflowPollers: 10,
        activityPollers: 10,
        workflowThreads: 1,
      },
      outbox: { concurrency: 64, sweepIntervalMs: 1_000, claimMs: 30_000 },
      workerHeapMb: 512,
      recoveryDelayMs: 10 * 60_000,
      attributionWindowMs: 24 * 3_600_000,
      recovery: {
        steps: [10 * 60_000],
        templates: [undefined, undefined, undefined, undefined, undefined],
        quietHours: { startMinute: 22 * 60, endMinute: 9 * 60, timeZone: 'America/Sao_Paulo' },
        maxSmsPerPhone: 1,
        frequencyWindowMs: 24 * 3_600_000,
        gsm7: false,
      },
      twilio: null,
      smsOutcomeSettleMs: 2 * 60_000,
      tribopayApi: null,
      // Each gateway that signs its webhooks is refused until its secret is set.
      stripe: { webhookSecrets: [] },
      pagarme: { jwksUrl: 'https://hubapi.pagar.me/.well-known/jwks.json', accountIds: [] },
      mercadopago: { apiUrl: 'https://api.mercadopago.com' },
      asaas: { apiUrl: 'https://api.asaas.com/v3' },
      payload: { keys: [], encryption: true },
      dataRetentionMs: 180 * 86_400_000,
      logLevel: 'info',
    });
  });

  it('treats blank and whitespace-only values exactly like unset ones', () => {
    const names = [
      'PORT',
      'DATA_DIR',
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'TEMPORAL_TASK_QUEUE',
      'TEMPORAL_UI_PORT',
      'TEMPORAL_METRICS_ADDRESS',
      'WORKER_CACHED_WORKFLOWS',
      'WORKER_HEAP_MB',
      'WORKER_WORKFLOW_TASK_SLOTS',
      'WORKER_ACTIVITY_TASK_SLOTS',
      'WORKER_WORKFLOW_POLLERS',
      'WORKER_ACTIVITY_POLLERS',
      'WORKER_WORKFLOW_THREADS',
      'OUTBOX_CONCURRENCY',
      'OUTBOX_SWEEP_INTERVAL',
      'OUTBOX_CLAIM_TIMEOUT',
      'RECOVERY_DELAY',
      'ATTRIBUTION_WINDOW',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
      'TWILIO_PHONE_NUMBER',
      'TWILIO_MESSAGING_SERVICE_SID',
      'ACCOUNT_SID',
      'AUTH_TOKEN',
      'PHONE_NUMBER',
      'TWILIO_API_URL',
      'TWILIO_TIMEOUT',
      'SMS_OUTCOME_SETTLE',
      'TRIBOPAY_API_TOKEN',
      'TRIBOPAY_API_URL',
      'TRIBOPAY_API_TIMEOUT',
      'SMS_TEMPLATE',
      'WEBHOOK_SECRET',
      'API_TOKEN',
      'PUBLIC_URL',
      'PAYLOAD_KEYS',
      'PAYLOAD_ENCRYPTION',
      'CODEC_TOKEN',
      'DATA_RETENTION',
      'LOG_LEVEL',
      ...Object.keys(envSchema.shape),
    ];
    const blank = Object.fromEntries(names.map((name, i) => [name, i % 2 ? '' : '   ']));
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });
});

describe('each accepted spelling of a variable', () => {
  const cases: [NodeJS.ProcessEnv, (c: Readonly<Config>) => unknown, unknown][] = [
    [{ PORT: '3000' }, (c) => c.port, 3000],
    [{ PORT: '0' }, (c) => c.port, 0],
    [
      { DATABASE_URL: 'postgres://app@db:5432/recovery' },
      (c) => c.database,
      { client: 'pg', url: 'postgres://app@db:5432/recovery' },
    ],
    [
      { DATABASE_URL: 'postgresql://app@db/recovery' },
      (c) => c.database,
      { client: 'pg', url: 'postgresql://app@db/recovery' },
    ],
    [
      { DATABASE_URL: 'sqlite:/var/lib/recovery.sqlite3' },
      (c) => c.database,
      { client: 'sqlite', filename: '/var/lib/recovery.sqlite3' },
    ],
    [
      { DATABASE_URL: 'sqlite:local/x.sqlite3' },
      (c) => c.database,
      { client: 'sqlite', filename: path.resolve('local/x.sqlite3') },
    ],
    [
      { DATA_DIR: '/srv/recovery' },
      (c) => c.database,
      { client: 'sqlite', filename: '/srv/recovery/recovery.sqlite3' },
    ],
    [{ TEMPORAL_ADDRESS: 'temporal:7233' }, (c) => c.temporal.address, 'temporal:7233'],
    [{ TEMPORAL_NAMESPACE: 'recovery' }, (c) => c.temporal.namespace, 'recovery'],
    [{ TEMPORAL_TASK_QUEUE: 'sms' }, (c) => c.temporal.taskQueue, 'sms'],
    [{ TEMPORAL_UI_PORT: '8080' }, (c) => c.temporal.uiPort, 8080],
    [
      { TEMPORAL_METRICS_ADDRESS: '0.0.0.0:9464' },
      (c) => c.temporal.metricsAddress,
      '0.0.0.0:9464',
    ],
    [{ WORKER_CACHED_WORKFLOWS: '0' }, (c) => c.temporal.cachedWorkflows, 0],
    [{ WORKER_CACHED_WORKFLOWS: '2500' }, (c) => c.temporal.cachedWorkflows, 2500],
    [{}, (c) => c.workerHeapMb, 512],
    [{ WORKER_HEAP_MB: '' }, (c) => c.workerHeapMb, 512],
    [{ WORKER_HEAP_MB: '2048' }, (c) => c.workerHeapMb, 2048],
    [{ WORKER_HEAP_MB: '128' }, (c) => c.workerHeapMb, 128],
    [{ WORKER_WORKFLOW_TASK_SLOTS: '80' }, (c) => c.temporal.workflowTaskSlots, 80],
    [
      { WORKER_WORKFLOW_TASK_SLOTS: '500', WORKER_CACHED_WORKFLOWS: '0' },
      (c) => c.temporal.workflowTaskSlots,
      500,
    ],
    [{ WORKER_ACTIVITY_TASK_SLOTS: '200' }, (c) => c.temporal.activityTaskSlots, 200],
    [{ WORKER_WORKFLOW_POLLERS: '4' }, (c) => c.temporal.workflowPollers, 4],
    [{ WORKER_ACTIVITY_POLLERS: '20' }, (c) => c.temporal.activityPollers, 20],
    [{ OUTBOX_CONCURRENCY: '32' }, (c) => c.outbox.concurrency, 32],
    [{ OUTBOX_SWEEP_INTERVAL: '250ms' }, (c) => c.outbox.sweepIntervalMs, 250],
    [{ OUTBOX_CLAIM_TIMEOUT: '2m' }, (c) => c.outbox.claimMs, 120_000],
    [{ RECOVERY_DELAY: '30s' }, (c) => c.recoveryDelayMs, 30_000],
    [{ RECOVERY_DELAY: '10m' }, (c) => c.recoveryDelayMs, 600_000],
    [{ RECOVERY_DELAY: '1h' }, (c) => c.recoveryDelayMs, 3_600_000],
    [{ RECOVERY_DELAY: '90000' }, (c) => c.recoveryDelayMs, 90_000],
    [{ RECOVERY_DELAY: '250ms' }, (c) => c.recoveryDelayMs, 250],
    [{ ATTRIBUTION_WINDOW: '2d' }, (c) => c.attributionWindowMs, 2 * 86_400_000],
    [{ ATTRIBUTION_WINDOW: '36h' }, (c) => c.attributionWindowMs, 36 * 3_600_000],
    [{ TWILIO_API_URL: 'http://127.0.0.1:4010' }, (c) => c.twilioApiUrl, 'http://127.0.0.1:4010'],
    [{ ...TWILIO, TWILIO_TIMEOUT: '5s' }, (c) => c.twilio?.timeoutMs, 5_000],
    [{ SMS_OUTCOME_SETTLE: '5m' }, (c) => c.smsOutcomeSettleMs, 5 * 60_000],
    [
      { PUBLIC_URL: 'https://recovery.example.com' },
      (c) => c.publicUrl,
      'https://recovery.example.com',
    ],
    [{ WEBHOOK_SECRET: 'sixteen-chars-ok' }, (c) => c.webhookSecret, 'sixteen-chars-ok'],
    [
      { STRIPE_WEBHOOK_SECRET: 'whsec_new_0123456789, whsec_old_0123456789' },
      (c) => c.stripe.webhookSecrets,
      ['whsec_new_0123456789', 'whsec_old_0123456789'],
    ],
    [
      { PAGARME_WEBHOOK_JWKS_URL: 'http://127.0.0.1:4011/jwks.json' },
      (c) => c.pagarme.jwksUrl,
      'http://127.0.0.1:4011/jwks.json',
    ],
    [
      { PAGARME_ACCOUNT_ID: ' acc_jZkdN857et650oNv , acc_other-01 ' },
      (c) => c.pagarme.accountIds,
      ['acc_jZkdN857et650oNv', 'acc_other-01'],
    ],
    [{ PAGARME_ACCOUNT_ID: ' ' }, (c) => c.pagarme.accountIds, []],
    [
      { MERCADOPAGO_WEBHOOK_SECRET: 'a-mercadopago-secret' },
      (c) => c.mercadopago.webhookSecret,
      'a-mercadopago-secret',
    ],
    [{ ASAAS_API_URL: 'http://127.0.0.1:4012' }, (c) => c.asaas.apiUrl, 'http://127.0.0.1:4012'],
    [{ API_TOKEN: 'a-much-longer-api-token' }, (c) => c.apiToken, 'a-much-longer-api-token'],
    [{ SMS_TEMPLATE: 'Oi {first_name}' }, (c) => c.smsTemplate, 'Oi {first_name}'],
    [{ HOST: '0.0.0.0' }, (c) => c.host, '0.0.0.0'],
    [{ HOST: '::1' }, (c) => c.host, '::1'],
    [{ WEBHOOK_AUTH: 'off' }, (c) => c.webhookAuth, false],
    [{ WEBHOOK_AUTH: 'on' }, (c) => c.webhookAuth, true],
    [{ HTTP_REQUEST_TIMEOUT: '30s' }, (c) => c.http.requestTimeoutMs, 30_000],
    [{ HTTP_MAX_CONNECTIONS: '64' }, (c) => c.http.maxConnections, 64],
    [
      { ALLOWED_COUNTRIES: 'br, pt,+1' },
      (c) => c.recipients.allowedCountries,
      { countries: ['BR', 'PT'], prefixes: ['+1'] },
    ],
    [
      { CHECKOUT_LINK_HOSTS: 'Pay.Example.com, checkout.tribopay.com.br' },
      (c) => c.recipients.checkoutLinkHosts,
      ['pay.example.com', 'checkout.tribopay.com.br'],
    ],
    [{ TWILIO_EMULATOR_PORT: '9025' }, (c) => c.twilioEmulatorPort, 9025],
    [{ SMS_TEMPLATE_2: 'Lembrete {link}' }, (c) => c.recovery.templates[1], 'Lembrete {link}'],
    [{ LOG_LEVEL: 'debug' }, (c) => c.logLevel, 'debug'],
    [{ LOG_LEVEL: 'silent' }, (c) => c.logLevel, 'silent'],
  ];

  it.each(cases)('%j is read', (env, pick, expected) => {
    expect(pick(loadConfig(env))).toEqual(expected);
  });
});

describe('each invalid value', () => {
  const cases: [string, NodeJS.ProcessEnv][] = [
    ['PORT', { PORT: 'http' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['PORT', { PORT: '-1' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://app@db/recovery' }],
    ['DATABASE_URL', { DATABASE_URL: 'data/recovery.sqlite3' }],
    ['DATABASE_URL', { DATABASE_URL: 'sqlite:' }],
    ['TEMPORAL_UI_PORT', { TEMPORAL_UI_PORT: 'ui' }],
    ['TEMPORAL_METRICS_ADDRESS', { TEMPORAL_METRICS_ADDRESS: 'http://0.0.0.0:9464' }],
    ['WORKER_CACHED_WORKFLOWS', { WORKER_CACHED_WORKFLOWS: 'many' }],
    ['WORKER_CACHED_WORKFLOWS', { WORKER_CACHED_WORKFLOWS: '-1' }],
    ['WORKER_CACHED_WORKFLOWS', { WORKER_CACHED_WORKFLOWS: '1.5' }],
    ['WORKER_CACHED_WORKFLOWS', { WORKER_CACHED_WORKFLOWS: '1' }],
    ['WORKER_HEAP_MB', { WORKER_HEAP_MB: 'lots' }],
    ['WORKER_HEAP_MB', { WORKER_HEAP_MB: '1g' }],
    ['WORKER_HEAP_MB', { WORKER_HEAP_MB: '127' }],
    ['WORKER_HEAP_MB', { WORKER_HEAP_MB: '-512' }],
    ['WORKER_HEAP_MB', { WORKER_HEAP_MB: '1024.5' }],
    ['WORKER_HEAP_MB', { WORKER_HEAP_MB: '65537' }],
    ['WORKER_ACTIVITY_TASK_SLOTS', { WORKER_ACTIVITY_TASK_SLOTS: '0' }],
    ['WORKER_ACTIVITY_POLLERS', { WORKER_ACTIVITY_POLLERS: 'lots' }],
    ['WORKER_WORKFLOW_POLLERS', { WORKER_WORKFLOW_POLLERS: '1' }],
    ['WORKER_ACTIVITY_POLLERS', { WORKER_ACTIVITY_POLLERS: '20', WORKER_ACTIVITY_TASK_SLOTS: '8' }],
    // Temporal would quietly lower the slots to the cache size.
    ['WORKER_WORKFLOW_TASK_SLOTS', { WORKER_WORKFLOW_TASK_SLOTS: '200' }],
    ['WORKER_WORKFLOW_TASK_SLOTS', { WORKER_WORKFLOW_TASK_SLOTS: '2.5' }],
    ['OUTBOX_CONCURRENCY', { OUTBOX_CONCURRENCY: '0' }],
    ['OUTBOX_SWEEP_INTERVAL', { OUTBOX_SWEEP_INTERVAL: '5m' }],
    // Shorter than one hand-off's deadline: a slow hand-off would be repeated elsewhere.
    ['OUTBOX_CLAIM_TIMEOUT', { OUTBOX_CLAIM_TIMEOUT: '2s' }],
    ['RECOVERY_DELAY', { RECOVERY_DELAY: 'soon' }],
    ['RECOVERY_DELAY', { RECOVERY_DELAY: '0' }],
    ['RECOVERY_DELAY', { RECOVERY_DELAY: '1.5h' }],
    ['RECOVERY_DELAY', { RECOVERY_DELAY: '-5s' }],
    ['RECOVERY_DELAY', { RECOVERY_DELAY: '10 minutes' }],
    ['RECOVERY_DELAY', { RECOVERY_DELAY: '200000000000000d' }],
    ['ATTRIBUTION_WINDOW', { ATTRIBUTION_WINDOW: 'forever' }],
    ['TWILIO_ACCOUNT_SID', { ...TWILIO, TWILIO_ACCOUNT_SID: 'AC123' }],
    ['TWILIO_PHONE_NUMBER', { ...TWILIO, TWILIO_PHONE_NUMBER: '11987654321' }],
    ['TWILIO_MESSAGING_SERVICE_SID', { ...TWILIO, TWILIO_MESSAGING_SERVICE_SID: 'MG123' }],
    ['TWILIO_API_URL', { TWILIO_API_URL: 'ftp://twilio.example' }],
    ['TWILIO_TIMEOUT', { TWILIO_TIMEOUT: '20s' }],
    ['TWILIO_TIMEOUT', { TWILIO_TIMEOUT: 'slow' }],
    ['SMS_OUTCOME_SETTLE', { SMS_OUTCOME_SETTLE: '30s' }],
    ['SMS_OUTCOME_SETTLE', { SMS_OUTCOME_SETTLE: '2h' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'recovery.example.com' }],
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: 'too-short' }],
    ['STRIPE_WEBHOOK_SECRET', { STRIPE_WEBHOOK_SECRET: 'whsec_new_0123456789,' }],
    ['STRIPE_WEBHOOK_SECRET', { STRIPE_WEBHOOK_SECRET: 'whsec_short' }],
    ['PAGARME_WEBHOOK_JWKS_URL', { PAGARME_WEBHOOK_JWKS_URL: 'hubapi.pagar.me/jwks.json' }],
    ['PAGARME_ACCOUNT_ID', { PAGARME_ACCOUNT_ID: 'acc_one,,acc_two' }],
    ['PAGARME_ACCOUNT_ID', { PAGARME_ACCOUNT_ID: 'acc one' }],
    ['ASAAS_WEBHOOK_TOKEN', { ASAAS_WEBHOOK_TOKEN: 'short' }],
    ['API_TOKEN', { API_TOKEN: 'abc' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['HOST', { HOST: 'http://0.0.0.0' }],
    ['WEBHOOK_AUTH', { WEBHOOK_AUTH: 'disabled' }],
    ['HTTP_REQUEST_TIMEOUT', { HTTP_REQUEST_TIMEOUT: '10m' }],
    ['HTTP_MAX_CONNECTIONS', { HTTP_MAX_CONNECTIONS: '0' }],
    ['ALLOWED_COUNTRIES', { ALLOWED_COUNTRIES: 'Brasil' }],
    ['ALLOWED_COUNTRIES', { ALLOWED_COUNTRIES: ',' }],
    ['CHECKOUT_LINK_HOSTS', { CHECKOUT_LINK_HOSTS: 'https://pay.example.com/' }],
    ['TWILIO_EMULATOR_PORT', { TWILIO_EMULATOR_PORT: 'abc' }],
    // Templates are rendered with sample data at load, so a typo can't wait for a customer.
    ['SMS_TEMPLATE', { SMS_TEMPLATE: 'Oi {bogus}' }],
    ['SMS_TEMPLATE_2', { SMS_TEMPLATE_2: 'Oi {?link}sem fim' }],
    ['SMS_TEMPLATE', { SMS_TEMPLATE: `{first_name}${'x'.repeat(1_600)}` }],
  ];

  it.each(cases)('%s in %j is named, and only it', (variable, env) => {
    const error = configError(env);
    expect(error.issues.map((issue) => issue.variable)).toEqual([variable]);
    expect(error.message).toContain(`${variable}: `);
  });
});

describe('a configuration error', () => {
  it('lists every bad variable at once, each on its own line', () => {
    const error = configError({
      PORT: 'http',
      RECOVERY_DELAY: 'soon',
      LOG_LEVEL: 'loud',
      API_TOKEN: 'abc',
      TWILIO_AUTH_TOKEN: TOKEN,
    });
    expect(error.name).toBe('ConfigError');
    const named = [
      'PORT',
      'RECOVERY_DELAY',
      'LOG_LEVEL',
      'API_TOKEN',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_PHONE_NUMBER',
    ];
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([...named].sort());
    for (const variable of named)
      expect(error.message).toMatch(new RegExp(`^  - ${variable}: .+$`, 'm'));
  });

  it('never echoes the value of a secret', () => {
    const secrets = {
      API_TOKEN: 'abc',
      WEBHOOK_SECRET: 'hunter2hunter2',
      STRIPE_WEBHOOK_SECRET: 'whsec_rotated_0123456789,whsec_x',
      ASAAS_WEBHOOK_TOKEN: 'asaas-tok',
      TWILIO_AUTH_TOKEN: 'tw-token-9f8e7d6c',
      DATABASE_URL: 'mysql://app:pa55w0rd@db/recovery',
    };
    const { message, issues } = configError(secrets);
    for (const value of [...Object.values(secrets), 'pa55w0rd']) {
      expect(message).not.toContain(value);
      for (const issue of issues) expect(issue.message).not.toContain(value);
    }
  });
});

describe('Twilio settings', () => {
  it('are null (not configured) when none is set', () => {
    expect(loadConfig({}).twilio).toBeNull();
  });

  it('send from the phone number when the SID, token and number are set', () => {
    expect(loadConfig(TWILIO).twilio).toEqual({
      accountSid: SID,
      authToken: TOKEN,
      from: PHONE,
      timeoutMs: 10_000,
    });
  });

  it('still honour the old names ACCOUNT_SID, AUTH_TOKEN and PHONE_NUMBER', () => {
    const config = loadConfig({ ACCOUNT_SID: SID, AUTH_TOKEN: TOKEN, PHONE_NUMBER: PHONE });
    expect(config.twilio).toEqual({
      accountSid: SID,
      authToken: TOKEN,
      from: PHONE,
      timeoutMs: 10_000,
    });
  });

  it('prefer the TWILIO_ names when both spellings are set', () => {
    const config = loadConfig({
      ...TWILIO,
      ACCOUNT_SID: `AC${'f'.repeat(32)}`,
      AUTH_TOKEN: 'old-token',
      PHONE_NUMBER: '+15005550006',
    });
    expect(config.twilio).toEqual({
      accountSid: SID,
      authToken: TOKEN,
      from: PHONE,
      timeoutMs: 10_000,
    });
  });

  it('send through the messaging service instead of the phone number when its SID is set', () => {
    const withoutNumber = {
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID,
    };
    const expected = {
      accountSid: SID,
      authToken: TOKEN,
      messagingServiceSid: SERVICE_SID,
      timeoutMs: 10_000,
    };
    expect(loadConfig(withoutNumber).twilio).toEqual(expected);
    expect(loadConfig({ ...withoutNumber, TWILIO_PHONE_NUMBER: PHONE }).twilio).toEqual(expected);
  });

  const partial: [NodeJS.ProcessEnv, string[]][] = [
    [{ TWILIO_ACCOUNT_SID: SID }, ['TWILIO_AUTH_TOKEN', 'TWILIO_PHONE_NUMBER']],
    [{ TWILIO_AUTH_TOKEN: TOKEN }, ['TWILIO_ACCOUNT_SID', 'TWILIO_PHONE_NUMBER']],
    [{ TWILIO_PHONE_NUMBER: PHONE }, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']],
    [{ TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID }, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN }, ['TWILIO_PHONE_NUMBER']],
    [{ TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: PHONE }, ['TWILIO_ACCOUNT_SID']],
    [{ ACCOUNT_SID: SID, PHONE_NUMBER: PHONE }, ['TWILIO_AUTH_TOKEN']],
  ];

  it.each(partial)(
    'that are partial (%j) are an error naming what is missing: %j',
    (env, missing) => {
      expect(badVariables(env)).toEqual(missing);
    },
  );

  it('that are partial are reported together with any malformed variable', () => {
    expect(badVariables({ PORT: 'http', TWILIO_ACCOUNT_SID: SID })).toEqual([
      'PORT',
      'TWILIO_AUTH_TOKEN',
      'TWILIO_PHONE_NUMBER',
    ]);
  });

  it('given under an old name are reported under that name when malformed', () => {
    expect(
      badVariables({ ACCOUNT_SID: 'AC123', AUTH_TOKEN: TOKEN, PHONE_NUMBER: '5511987654321' }),
    ).toEqual(['ACCOUNT_SID', 'PHONE_NUMBER']);
  });
});

describe('the loaded configuration', () => {
  it('is frozen, nested settings included', () => {
    const config = loadConfig({ ...TWILIO, DATABASE_URL: 'postgres://app@db/recovery' });
    for (const part of [config, config.database, config.temporal, config.twilio])
      expect(Object.isFrozen(part)).toBe(true);
    expect(() => {
      (config as Config).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      config.temporal.taskQueue = 'elsewhere';
    }).toThrow(TypeError);
  });

  it('does not follow later changes to the environment it was read from', () => {
    const env: NodeJS.ProcessEnv = { PORT: '3000', RECOVERY_DELAY: '30s' };
    const config = loadConfig(env);
    env.PORT = '4000';
    env.RECOVERY_DELAY = '1h';
    expect([config.port, config.recoveryDelayMs]).toEqual([3000, 30_000]);
  });
});
