/**
 * The dashboard and the alert rules in ops/: promtool accepts the rules and their unit
 * tests pass, and every metric they use is served by the real processes: `npm start`
 * (API and worker in one, with the SDK's metrics) and the separate API and worker
 * entrypoints beside it, each with the default process and Node.js series.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startPagarmeEmulator, type PagarmeEmulator } from '../../src/gateways/pagarme/emulator';
import { freePort } from '../helpers/ports';
import { eventually, spawnEntrypoint, stopProcess, type Spawned } from '../helpers/processes';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';

const ROOT = path.resolve(__dirname, '../..');
const RULES = path.join(ROOT, 'ops/prometheus/alerts.yml');
const RULE_TESTS = path.join(ROOT, 'ops/prometheus/alerts.test.yml');
const DASHBOARD = path.join(ROOT, 'ops/grafana/dashboards/pix-recovery.json');
const run = promisify(execFile);

describe('promtool', () => {
  test('accepts the alert rules', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', RULES]);
    expect(stdout).toMatch(/SUCCESS: 8 rules found/);
  });

  test('passes the alert rules’ unit tests (each alert fires, and stays quiet when it should)', async () => {
    const { stdout, stderr } = await run('promtool', ['test', 'rules', RULE_TESTS]);
    expect(`${stdout}${stderr}`).toMatch(/SUCCESS/);
  });
});

/** Metric names in PromQL: ours, the SDK's, and the default process and Node.js series. */
function metricsIn(expressions: string[]): Set<string> {
  const names = expressions.flatMap(
    (expr) => expr.match(/\b(?:pix_recovery|temporal|process|nodejs)_[a-z0-9_]+/g) ?? [],
  );
  return new Set(names);
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) => panel.targets.map((t) => t.expr));
}

function ruleExpressions(): string[] {
  return [...fs.readFileSync(RULES, 'utf8').matchAll(/expr: (>-\n(?:\s{10}.+\n)+|.+)/g)].map(
    (m) => m[1],
  );
}

/** Series names in a Prometheus text exposition. */
function exposed(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(/[{ ]/)[0]),
  );
}

const scrape = async (url: string) => exposed(await (await fetch(url)).text());

describe('every metric the dashboard and the alert rules use', () => {
  let dataDir: string;
  let pagarme: PagarmeEmulator;
  const running: Spawned[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-ops-'));
    pagarme = await startPagarmeEmulator();
  });

  afterAll(async () => {
    for (const spawned of running.reverse()) await stopProcess(spawned, 'SIGINT');
    await pagarme?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('is served by npm start, the SDK metrics endpoint, and the API and worker entrypoints', async () => {
    const port = { api: 0, temporal: 0, ui: 0, emulator: 0, sdk: 0, api2: 0, worker: 0 };
    for (const key of Object.keys(port) as (keyof typeof port)[]) port[key] = await freePort();
    const shared = {
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: `127.0.0.1:${port.temporal}`,
      LOG_LEVEL: 'warn',
      QUIET_HOURS: 'off',
      // One key for npm start and the separate API and worker: they read each other's payloads.
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      WEBHOOK_SECRET: 'ops-monitoring-webhook-secret-0123',
      PAGARME_ACCOUNT_ID: 'acc_opsMonitoring0001',
      PAGARME_WEBHOOK_JWKS_URL: pagarme.jwksUrl,
    };
    const stack = spawnEntrypoint('start', {
      ...shared,
      PORT: String(port.api),
      TEMPORAL_UI_PORT: String(port.ui),
      TWILIO_EMULATOR_PORT: String(port.emulator),
      TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${port.sdk}`,
      RECOVERY_DELAY: '1s',
    });
    running.push(stack);
    await stack.waitFor(/Press Ctrl-C to stop/, 90_000);
    // One recovery, so the webhook, SMS and workflow-task series have samples.
    const webhook = await fetch(`http://127.0.0.1:${port.api}/api/webhooks/ghostpay/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-token': shared.WEBHOOK_SECRET },
      body: JSON.stringify({
        paymentId: `ops-${Date.now()}`,
        status: 'PENDING',
        paymentMethod: 'PIX',
        totalValue: 2500,
        customer: { phone: '21987654321' },
      }),
    });
    expect(webhook.status).toBe(202);
    // A Pagar.me webhook signed by the emulator, from another account: its signature is
    // checked with keys fetched from the emulator (the key series), then it is refused.
    const other = '{"id":"hook_ops","account":{"id":"acc_another"},"type":"charge.paid","data":{}}';
    const signed = await fetch(`http://127.0.0.1:${port.api}/api/webhooks/pagarme/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-asymmetric-signature': pagarme.signatureHeader(other),
      },
      body: other,
    });
    expect(signed.status).toBe(401);
    expect(pagarme.jwksRequests()).toBe(1);
    const api2 = spawnEntrypoint('api', { ...shared, PORT: String(port.api2) });
    const worker = spawnEntrypoint('worker', {
      ...shared,
      WORKER_METRICS_PORT: String(port.worker),
      TEMPORAL_TASK_QUEUE: 'ops-test-worker', // leaves npm start's recoveries to npm start
    });
    running.push(api2, worker);

    const wanted = metricsIn([...dashboardExpressions(), ...ruleExpressions()]);
    expect(wanted.size).toBeGreaterThan(10);
    const served = await eventually(
      async () => {
        const all = new Set([
          ...(await scrape(`http://127.0.0.1:${port.api}/metrics`)),
          ...(await scrape(`http://127.0.0.1:${port.sdk}/metrics`)),
        ]);
        return [...wanted].every((name) => all.has(name)) ? all : null;
      },
      30_000,
      () => 'every metric of the dashboard and rules on /metrics',
    ).catch(async (err: Error) => {
      const all = new Set([
        ...(await scrape(`http://127.0.0.1:${port.api}/metrics`)),
        ...(await scrape(`http://127.0.0.1:${port.sdk}/metrics`)),
      ]);
      throw new Error(
        `${err.message}; missing: ${[...wanted].filter((n) => !all.has(n)).join(', ')}`,
      );
    });
    expect([...wanted].filter((name) => !served.has(name))).toEqual([]);

    // The separate processes carry the default series too.
    const defaults = [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ];
    for (const url of [
      `http://127.0.0.1:${port.api2}/metrics`,
      `http://127.0.0.1:${port.worker}/metrics`,
    ]) {
      const series = await eventually(
        async () => {
          try {
            return await scrape(url);
          } catch {
            return null;
          }
        },
        30_000,
        url,
      );
      for (const name of defaults) expect(series).toContain(name);
    }
  }, 150_000);
});
