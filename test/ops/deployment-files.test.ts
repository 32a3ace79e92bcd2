import fs from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../src/config/schema';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/embedded/temporal-dev-server';

// Docker isn't available to the suite, so the deployment files are read as text: what the
// orchestrators probe, and what the monitoring profile mounts.
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The block of one compose service: from its name to the next service at that indent. */
function service(compose: string, name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  if (start === -1) throw new Error(`no service ${name} in docker-compose.yml`);
  const rest = compose.slice(start + 1);
  const end = rest.slice(1).search(/\n {2}[a-z-]+:\n|\n[a-z]/);
  return end === -1 ? rest : rest.slice(0, end + 1);
}

test("the image's health check probes /livez; compose's API health check probes /readyz", () => {
  expect(read('Dockerfile')).toMatch(/^HEALTHCHECK [^\n]*(?:\\\n[^\n]*)*\/livez/m);
  const api = service(read('docker-compose.yml'), 'api');
  expect(api).toMatch(/healthcheck:[\s\S]*\/readyz/);
  expect(api).not.toContain('/api/webhooks/health');
});

test('the monitoring profile runs Prometheus and Grafana with the files in ops/', () => {
  const compose = read('docker-compose.yml');
  for (const name of ['prometheus', 'grafana']) {
    const block = service(compose, name);
    expect(block).toContain('profiles: [monitoring]');
    const mounts = [...block.matchAll(/- \.\/(ops\/[^:]+):/g)].map((m) => m[1]);
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) expect(fs.existsSync(path.join(ROOT, mount))).toBe(true);
  }
  const prometheus = read('ops/prometheus/prometheus.yml');
  expect(prometheus).toContain('/etc/prometheus/alerts.yml');
  expect(prometheus).toMatch(/targets: \['api:8000'\]/);
});

test('every worker starts through scripts/worker-node.sh: npm start, start:worker, compose and the image', () => {
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  expect(scripts.start).toContain('sh scripts/worker-node.sh dist/src/bin/start.js');
  expect(scripts['start:worker']).toContain('sh scripts/worker-node.sh dist/src/bin/worker.js');
  // Nothing else gives node heap flags, which would win over the script's or clash with them.
  for (const script of [scripts.start, scripts['start:worker']])
    expect(script).not.toMatch(/--max-(old|semi)-space-size/);
  const worker = service(read('docker-compose.yml'), 'worker');
  const command = /command:\s*\[([^\]]*)\]/.exec(worker);
  expect(command?.[1].split(',').map((word) => word.trim().replace(/^'|'$/g, ''))).toEqual([
    'sh',
    'scripts/worker-node.sh',
    'dist/src/bin/worker.js',
  ]);
  // The container reads no .env: compose must hand every worker setting in (from the
  // shared environment or the worker's own), or .env's are lost.
  const compose = read('docker-compose.yml');
  const workerSettings = Object.keys(envSchema.shape).filter((key) => key.startsWith('WORKER_'));
  expect(workerSettings).toEqual(
    expect.arrayContaining(['WORKER_HEAP_MB', 'WORKER_CACHED_WORKFLOWS']),
  );
  for (const key of workerSettings) expect(compose).toContain(`${key}: \${${key}:-`);
  expect(worker).toContain('WORKER_HEAP_MB: ${WORKER_HEAP_MB:-}');
  expect(worker).toContain('<<: *app-environment');
  // The image carries the script, where the compose command and the Dockerfile's usage find it.
  const dockerfile = read('Dockerfile');
  expect(dockerfile).toMatch(
    /^COPY --from=build \/app\/scripts\/worker-node\.sh \.\/scripts\/worker-node\.sh$/m,
  );
  expect(dockerfile).toContain('docker run IMAGE sh scripts/worker-node.sh dist/src/bin/worker.js');
});

test("compose's Temporal server has the dynamic configuration that every dev server we start has", () => {
  const compose = read('docker-compose.yml');
  const start = compose.indexOf('\n  temporal-dynamic-config:\n');
  expect(start).toBeGreaterThan(-1);
  const block = compose.slice(start, compose.indexOf('\n\n', start) + 1 || undefined);
  expect(Object.keys(DEV_SERVER_DYNAMIC_CONFIG).length).toBeGreaterThan(0);
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG))
    expect(block).toMatch(
      new RegExp(`\\n {6}${key.replace(/\./g, '\\.')}:\\n {8}- value: ${value}\\n`),
    );
});
