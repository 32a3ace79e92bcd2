import fs from 'node:fs';
import path from 'node:path';
import { WORKER_NODE_FLAGS } from '../../src/runtime/worker-node-flags';

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

test('every worker starts with the heap flags: npm start, start:worker and compose', () => {
  const flags = WORKER_NODE_FLAGS.join(' ');
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  expect(scripts.start).toContain(`node ${flags} dist/src/bin/start.js`);
  expect(scripts['start:worker']).toContain(`node ${flags} dist/src/bin/worker.js`);
  const command = /command:\s*\[([^\]]*)\]/.exec(service(read('docker-compose.yml'), 'worker'));
  expect(command?.[1].split(',').map((word) => word.trim().replace(/^'|'$/g, ''))).toEqual([
    'node',
    ...WORKER_NODE_FLAGS,
    'dist/src/bin/worker.js',
  ]);
});
