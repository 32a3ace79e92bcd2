import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../src/db/connect';
import { pgTestDb, type TestDb } from '../helpers/db';

// The compiled entrypoints: `npm test` builds them first; a bare `npx jest` needs `npm run build`.
const BIN = path.resolve(__dirname, '../../dist/src/bin');
const MIGRATIONS = [
  '20261129000100_audit_trail',
  '20261129000200_recovery_rules',
  '20261129000300_suppression_ids',
  '20261129110000_inbound_message_sids',
  '20261129160000_outbox',
  '20261129170000_sms_outcome_unknown',
];
const APPLIED = MIGRATIONS.join(', ');
const ROLLED_BACK = [...MIGRATIONS].reverse().join(', ');
const TABLES = ['webhook_events', 'recovery_events', 'sms_messages'];
/** A Node stack frame, e.g. "    at run (/work/main/dist/src/bin/api.js:9:5)". */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an entrypoint to its end with only `env` (and PATH): nothing leaks in from the shell. */
function run(
  name: string,
  env: Record<string, string>,
  args: string[] = [],
  cwd?: string,
): Promise<Finished> {
  const script = path.join(BIN, `${name}.js`);
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  return new Promise((resolve) => {
    const options = { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000, cwd };
    execFile(process.execPath, [script, ...args], options, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

async function tablesIn(db: Db): Promise<string[]> {
  const found = await Promise.all(TABLES.map((table) => db.schema.hasTable(table)));
  return TABLES.filter((_, i) => found[i]);
}

describe.each(['migrate', 'api', 'worker', 'start'])(
  'the %s entrypoint on a bad environment',
  (name) => {
    it('exits non-zero naming every bad variable, without a stack trace', async () => {
      const { code, stdout, stderr } = await run(name, { RECOVERY_DELAY: 'soon', PORT: 'http' });
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(stderr).toMatch(/^ {2}- PORT: /m);
      expect(stderr).toMatch(/^ {2}- RECOVERY_DELAY: /m);
      expect(stderr).not.toMatch(STACK_FRAME);
      expect(stdout).toBe('');
    });

    it('names a too-short API_TOKEN without printing it', async () => {
      const { code, stderr } = await run(name, { API_TOKEN: 'abc' });
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/^ {2}- API_TOKEN: /m);
      expect(stderr).not.toContain('abc');
    });
  },
);

describe('settings every entrypoint validates before touching Temporal or the database', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'entrypoint-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test.each([
    ['start', { TWILIO_EMULATOR_PORT: 'abc' }, 'TWILIO_EMULATOR_PORT'],
    ['api', { SMS_TEMPLATE: 'Oi {bogus}' }, 'SMS_TEMPLATE'],
    ['worker', { SMS_TEMPLATE_2: 'Oi {bogus}' }, 'SMS_TEMPLATE_2'],
    ['api', { ALLOWED_COUNTRIES: 'Brasil' }, 'ALLOWED_COUNTRIES'],
  ])('%s with %j stops at once, naming %s', async (name, env, variable) => {
    const { code, stderr } = await run(name, { DATA_DIR: dataDir, ...env });
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^ {2}- ${variable}: `, 'm'));
    // Nothing was started: no Temporal dev server, no database file.
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  test('a .env in the working directory is read, and the environment wins over it', async () => {
    fs.writeFileSync(path.join(dataDir, '.env'), 'RECOVERY_DELAY=soon\nPORT=http\n');
    const { code, stderr } = await run('migrate', { PORT: '8000' }, [], dataDir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ {2}- RECOVERY_DELAY: /m);
    expect(stderr).not.toMatch(/PORT/);
  });
});

describe('npm run start:api and webhook authentication', () => {
  // The database is unreachable on purpose: what is checked comes before anything is opened.
  const STARTABLE = {
    PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
  };

  test("refuses to start while no gateway's webhook secret is set, naming each setting and the opt-out", async () => {
    // Pagar.me's keys URL has a default, but Pagar.me is refused until its account is named.
    const { code, stdout, stderr } = await run('api', {
      ...STARTABLE,
      API_TOKEN: 'an-api-token-0123456789',
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("No gateway's webhook secret is set");
    for (const setting of [
      'WEBHOOK_SECRET is not set',
      'STRIPE_WEBHOOK_SECRET',
      'MERCADOPAGO_WEBHOOK_SECRET',
      'ASAAS_WEBHOOK_TOKEN',
      'PAGARME_ACCOUNT_ID',
      'WEBHOOK_AUTH=off',
    ])
      expect(stderr).toContain(setting);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  test.each([
    [
      'STRIPE_WEBHOOK_SECRET',
      'whsec_only_stripe_0123456789',
      'stripe',
      'tribopay (set WEBHOOK_SECRET), ghostpay (set WEBHOOK_SECRET), mercadopago (set MERCADOPAGO_WEBHOOK_SECRET), asaas (set ASAAS_WEBHOOK_TOKEN), pagarme (set PAGARME_ACCOUNT_ID)',
    ],
    [
      'MERCADOPAGO_WEBHOOK_SECRET',
      'only-mercadopago-secret-0123456789',
      'mercadopago',
      'tribopay (set WEBHOOK_SECRET), ghostpay (set WEBHOOK_SECRET), asaas (set ASAAS_WEBHOOK_TOKEN), stripe (set STRIPE_WEBHOOK_SECRET), pagarme (set PAGARME_ACCOUNT_ID)',
    ],
    [
      'ASAAS_WEBHOOK_TOKEN',
      'only-asaas-token-0123456789',
      'asaas',
      'tribopay (set WEBHOOK_SECRET), ghostpay (set WEBHOOK_SECRET), mercadopago (set MERCADOPAGO_WEBHOOK_SECRET), stripe (set STRIPE_WEBHOOK_SECRET), pagarme (set PAGARME_ACCOUNT_ID)',
    ],
    [
      'PAGARME_ACCOUNT_ID',
      'acc_jZkdN857et650oNv',
      'pagarme',
      'tribopay (set WEBHOOK_SECRET), ghostpay (set WEBHOOK_SECRET), mercadopago (set MERCADOPAGO_WEBHOOK_SECRET), asaas (set ASAAS_WEBHOOK_TOKEN), stripe (set STRIPE_WEBHOOK_SECRET)',
    ],
  ])(
    'with only %s it starts, logging which gateways are accepted and which refused',
    async (variable, value, accepted, refused) => {
      const { code, stdout, stderr } = await run('api', {
        ...STARTABLE,
        [variable]: value,
        LOG_LEVEL: 'info',
      });
      // Past the refusal: it fails later, at the unreachable database.
      expect(code).toBe(1);
      expect(stderr).not.toContain("No gateway's webhook secret is set");
      expect(stdout).toContain(
        `webhooks accepted from: ${accepted}; refused (401) for lack of a secret: ${refused}`,
      );
      if (variable !== 'PAGARME_ACCOUNT_ID') expect(stdout).not.toContain(value);
      // Mercado Pago's and Asaas's webhooks name the payment only: without their API
      // credential each recovery would end `ignored: enrichment failed`.
      const thin = {
        MERCADOPAGO_WEBHOOK_SECRET: 'MERCADOPAGO_ACCESS_TOKEN',
        ASAAS_WEBHOOK_TOKEN: 'ASAAS_API_KEY',
      };
      const missing = thin[variable as keyof typeof thin];
      if (missing) expect(stdout).toMatch(new RegExp(`"level":40.*but ${missing} is not`));
      else expect(stdout).not.toContain('"level":40');
    },
  );

  test('with WEBHOOK_AUTH=off it starts, with a warning', async () => {
    const { stdout } = await run('api', { ...STARTABLE, WEBHOOK_AUTH: 'off', LOG_LEVEL: 'warn' });
    expect(stdout).toMatch(/"level":40.*WEBHOOK_AUTH=off: webhooks are accepted without a token/);
  });
});

describe('npm run migrate against a fresh PostgreSQL database', () => {
  let target: TestDb;
  beforeAll(async () => {
    target = await pgTestDb({ migrate: false });
  });
  afterAll(() => target.drop());

  it('applies the audit trail, then has nothing left to apply, and --down rolls it back', async () => {
    const env = { DATABASE_URL: target.url };

    const up = await run('migrate', env);
    expect(up).toMatchObject({ code: 0, stdout: `applied: ${APPLIED}\n`, stderr: '' });
    expect(await tablesIn(target.db)).toEqual(TABLES);

    expect(await run('migrate', env)).toMatchObject({ code: 0, stdout: 'nothing to apply\n' });

    const down = await run('migrate', env, ['--down']);
    expect(down).toMatchObject({ code: 0, stdout: `rolled back: ${ROLLED_BACK}\n`, stderr: '' });
    expect(await tablesIn(target.db)).toEqual([]);

    expect(await run('migrate', env, ['--down'])).toMatchObject({
      code: 0,
      stdout: 'nothing to roll back\n',
    });
  });
});

describe('npm run migrate against a fresh SQLite file', () => {
  let dir: string;
  let filename: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-migrate-'));
    filename = path.join(dir, 'nested', 'recovery.sqlite3');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Opened after each run and closed again, so the child is the only writer while it runs. */
  async function tablesInFile(): Promise<string[]> {
    const db = createDb({ client: 'sqlite', filename });
    try {
      return await tablesIn(db);
    } finally {
      await db.destroy();
    }
  }

  it('creates the file, applies the audit trail, and --down rolls it back', async () => {
    const env = { DATABASE_URL: `sqlite:${filename}` };

    expect(await run('migrate', env)).toMatchObject({
      code: 0,
      stdout: `applied: ${APPLIED}\n`,
      stderr: '',
    });
    expect(fs.existsSync(filename)).toBe(true);
    expect(await tablesInFile()).toEqual(TABLES);

    expect(await run('migrate', env)).toMatchObject({ code: 0, stdout: 'nothing to apply\n' });

    const down = await run('migrate', env, ['--down']);
    expect(down).toMatchObject({ code: 0, stdout: `rolled back: ${ROLLED_BACK}\n`, stderr: '' });
    expect(await tablesInFile()).toEqual([]);
  });
});

describe('npm run migrate when the database is unreachable', () => {
  it('exits 1 with the reason on stderr, no stack trace, nothing on stdout and no password', async () => {
    // Port 1 on loopback refuses at once: nothing listens there.
    const { code, stdout, stderr } = await run('migrate', {
      DATABASE_URL: 'postgres://app:s3cret-pw@127.0.0.1:1/recovery',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^migration failed: connect ECONNREFUSED 127\.0\.0\.1:1$/m);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toContain('s3cret-pw');
  });
});

test('the worker warns at start when Mercado Pago webhooks are accepted but it cannot read their payments', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-warning-'));
  try {
    // Nothing answers at this Temporal address: the worker warns, then fails to connect.
    const { code, stdout } = await run('worker', {
      MERCADOPAGO_WEBHOOK_SECRET: 'worker-mercadopago-secret-0123',
      PAYLOAD_ENCRYPTION: 'off',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      DATABASE_URL: `sqlite:${path.join(dir, 'audit.sqlite3')}`,
      LOG_LEVEL: 'warn',
    });
    expect(code).not.toBe(0);
    expect(stdout).toMatch(
      /"level":40.*mercadopago webhooks are accepted \(MERCADOPAGO_WEBHOOK_SECRET is set\) but MERCADOPAGO_ACCESS_TOKEN is not/,
    );
    expect(stdout).not.toContain('worker-mercadopago-secret');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe.each(['api', 'worker'])('the %s entrypoint and payload encryption', (name) => {
  // The API's webhook secret is checked first; these tests are about the keys.
  const WEBHOOK = { WEBHOOK_SECRET: 'entrypoint-webhook-secret-0123' };

  it('refuses to start without PAYLOAD_KEYS, saying how to set them or turn encryption off', async () => {
    const { code, stdout, stderr } = await run(name, WEBHOOK);
    expect(code).toBe(1);
    expect(stderr).toContain('PAYLOAD_KEYS is not set');
    expect(stderr).toContain('PAYLOAD_ENCRYPTION=off');
    expect(stdout).toBe('');
  });

  it('names a malformed PAYLOAD_KEYS entry without printing the key', async () => {
    const { code, stderr } = await run(name, { ...WEBHOOK, PAYLOAD_KEYS: 'k1:c2hvcnQ=' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ {2}- PAYLOAD_KEYS: key "k1": expected 32 bytes/m);
    expect(stderr).not.toContain('c2hvcnQ=');
  });

  it('with PAYLOAD_ENCRYPTION=off starts, warning that histories hold customer data in clear', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-plain-'));
    try {
      // Nothing answers at this Temporal address: the process warns, then fails to connect.
      const { stdout } = await run(name, {
        ...WEBHOOK,
        PAYLOAD_ENCRYPTION: 'off',
        DATABASE_URL: `sqlite:${path.join(dir, 'audit.sqlite3')}`,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        API_TOKEN: 'entrypoint-token-0123456789',
      });
      expect(stdout).toContain('PAYLOAD_ENCRYPTION=off');
      expect(stdout).toContain('in clear');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
