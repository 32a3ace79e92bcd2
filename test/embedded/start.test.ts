/**
 * `npm start` as a user runs it: the compiled entrypoint, started through
 * scripts/worker-node.sh as the npm script starts it (Ctrl-C must reach it there), with
 * embedded defaults (its own Temporal dev server, SQLite under the data folder, the Twilio
 * emulator), on free ports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports';
import { eventually, spawnWorkerNode, stopProcess, type Spawned } from '../helpers/processes';

const DELAY_MS = 4_000;
let dataDir: string;
let env: Record<string, string>;
let ports: { api: number; temporal: number; ui: number; emulator: number };
let stack: Spawned | undefined;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-start-'));
  ports = {
    api: await freePort(),
    temporal: await freePort(),
    ui: await freePort(),
    emulator: await freePort(),
  };
  env = {
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    TEMPORAL_UI_PORT: String(ports.ui),
    TWILIO_EMULATOR_PORT: String(ports.emulator),
    RECOVERY_DELAY: String(DELAY_MS),
    QUIET_HOURS: 'off', // these tests run at any hour; quiet hours have their own tests
    LOG_LEVEL: 'warn',
  };
});

/** A test that failed half-way must not leave its stack holding the ports for the next one. */
afterEach(async () => {
  if (stack) await stopProcess(stack, 'SIGINT');
  stack = undefined;
});

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<Spawned> {
  stack = spawnWorkerNode(['dist/src/bin/start.js'], env);
  await stack.waitFor(/Press Ctrl-C to stop/, 90_000);
  return stack;
}

/** The secret `npm start` generated for its run, as its banner prints it. */
function webhookSecretOf(output: string): string {
  const secret = /Webhook secret\s+([0-9a-f]{48}) \(generated/.exec(output)?.[1];
  if (!secret) throw new Error(`no generated webhook secret in:\n${output}`);
  return secret;
}

const api = (p: string) => `http://127.0.0.1:${ports.api}${p}`;
const emulatorMessages = async () =>
  (await (await fetch(`http://127.0.0.1:${ports.emulator}/__emulator/messages`)).json()) as {
    to: string;
  }[];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('npm start serves a healthy API, the Temporal Web UI and a monitoring API locked with a generated token, and Ctrl-C stops every process', async () => {
  const running = await start();
  expect(running.output()).toContain(`Temporal Web UI  http://127.0.0.1:${ports.ui}`);
  // The worker's first poll reaches the server a moment after start-up; health waits for it.
  const health = await eventually(
    async () => {
      const res = await fetch(api('/api/webhooks/health/'));
      return res.status === 200 ? res : null;
    },
    15_000,
    'a healthy API',
  );
  expect(await health.json()).toEqual({
    status: 'ok',
    version: expect.any(String),
    uptimeSeconds: expect.any(Number),
    database: { ok: true },
    temporal: { ok: true },
    worker: { ok: true },
    outbox: { pending: 0, oldestAgeSeconds: null },
  });
  expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
  const token = /API token\s+([0-9a-f]{48}) \(generated/.exec(running.output())?.[1];
  expect(token).toBeDefined();
  expect((await fetch(api('/api/webhooks/events/'))).status).toBe(401);
  const events = await fetch(api('/api/webhooks/events/'), {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(events.status).toBe(200);
  // No PAYLOAD_KEYS: a key of this machine's own, generated into DATA_DIR for its owner only.
  const keyFile = path.join(dataDir, 'payload-keys');
  expect(running.output()).toContain('Generated a payload encryption key into');
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(keyFile, 'utf8')).toMatch(/^[\w.-]+:[A-Za-z0-9+/]{43}=\n$/);
  // The Web UI is configured to decode through the API's codec server, which lets it in.
  const uiOrigin = `http://127.0.0.1:${ports.ui}`;
  const settings = (await (await fetch(`${uiOrigin}/api/v1/settings`)).json()) as {
    Codec: { Endpoint: string };
  };
  expect(settings.Codec.Endpoint).toMatch(
    new RegExp(`^http://127\\.0\\.0\\.1:${ports.api}/codec/session/[0-9a-f]{48}$`),
  );
  const decoded = await fetch(`${settings.Codec.Endpoint}/decode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: uiOrigin },
    body: JSON.stringify({ payloads: [] }),
  });
  expect(decoded.status).toBe(200);
  expect(decoded.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  // Webhooks are locked too: a secret generated for the run, and a curl that uses it.
  const secret = webhookSecretOf(running.output());
  expect(running.output()).toContain(`-H 'X-Webhook-Token: ${secret}'`);
  // Every gateway's URL is listed with its setting: the shared one generated, Stripe's not set.
  expect(running.output()).toMatch(
    new RegExp(
      `TriboPay +${api('/api/webhooks/tribopay/')} +WEBHOOK_SECRET generated for this run`,
    ),
  );
  expect(running.output()).toMatch(
    new RegExp(`Stripe +${api('/api/webhooks/stripe/')} +STRIPE_WEBHOOK_SECRET not set: refused`),
  );
  const webhook = (token?: string) =>
    fetch(api('/api/webhooks/tribopay/'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { 'x-webhook-token': token } : {}),
      },
      body: JSON.stringify({
        status: 'paid',
        method: 'pix',
        transaction: { id: `start-auth-${Date.now()}` },
      }),
    });
  expect((await webhook()).status).toBe(401);
  expect((await webhook(secret)).status).toBe(202);
  const temporalPid = Number(fs.readFileSync(path.join(dataDir, 'temporal.pid'), 'utf8'));
  expect(isAlive(temporalPid)).toBe(true);

  running.child.kill('SIGINT');
  expect(await running.exited).toBe(0);
  expect(isAlive(temporalPid)).toBe(false);
  expect(fs.existsSync(path.join(dataDir, 'recovery.sqlite3'))).toBe(true);
  expect(fs.existsSync(path.join(dataDir, 'temporal.sqlite'))).toBe(true);
}, 120_000);

test('a recovery pending when the stack stopped sends its SMS after the next start', async () => {
  let running = await start();
  const res = await fetch(api('/api/webhooks/ghostpay'), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-webhook-token': webhookSecretOf(running.output()),
    },
    body: JSON.stringify({
      paymentId: `restart-${Date.now()}`,
      status: 'PENDING',
      paymentMethod: 'PIX',
      totalValue: 2500,
      customer: { name: 'Carla Dias', phone: '21987654321' },
    }),
  });
  expect(res.status).toBe(202);
  running.child.kill('SIGINT');
  expect(await running.exited).toBe(0);

  const key = fs.readFileSync(path.join(dataDir, 'payload-keys'), 'utf8');

  await new Promise((resolve) => setTimeout(resolve, DELAY_MS + 500)); // the SMS falls due while everything is down
  running = await start();
  // The same key again: the histories written before the restart stay readable.
  expect(running.output()).toContain('Payload encryption key from');
  expect(fs.readFileSync(path.join(dataDir, 'payload-keys'), 'utf8')).toBe(key);
  const sent = await eventually(
    async () => {
      const messages = (await emulatorMessages()).filter((m) => m.to === '+5521987654321');
      return messages.length > 0 ? messages : null;
    },
    30_000,
    'the SMS after the restart',
  );
  expect(sent).toHaveLength(1);
  running.child.kill('SIGINT');
  expect(await running.exited).toBe(0);
}, 180_000);
