import pino from 'pino';
import { createApp } from '../../src/http/app';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';

let testDb: TestDb;
let server: TestServer;

beforeAll(async () => {
  testDb = await sqliteTestDb();
  const app = createApp({
    db: testDb.db,
    logger: pino({ level: 'silent' }),
    health: async () => ({
      ok: true,
      database: { ok: true },
      temporal: { ok: true },
      worker: { ok: true },
    }),
    // The reference pages never start or query a recovery.
    recoveries: {} as RecoveryClient,
  });
  server = await serve(app);
});

afterAll(async () => {
  await server?.close();
  await testDb?.drop();
});

describe('/api/docs', () => {
  test('is an HTML page that loads only files this server serves, and renders /api/openapi.json', async () => {
    const page = await fetch(`${server.url}/api/docs`);
    const html = await page.text();

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).not.toMatch(/https?:\/\//); // nothing from a CDN: it works offline
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.sort()).toEqual([
      '/api/docs/init.js',
      '/api/docs/swagger-ui-bundle.js',
      '/api/docs/swagger-ui.css',
    ]);
    const init = await (await fetch(`${server.url}/api/docs/init.js`)).text();
    expect(init).toContain("url: '/api/openapi.json'");
  });

  test.each([
    ['swagger-ui-bundle.js', /^application\/javascript/, 'SwaggerUIBundle'],
    ['swagger-ui.css', /^text\/css/, '.swagger-ui'],
  ])('serves %s from node_modules with its content type', async (file, type, marker) => {
    const res = await fetch(`${server.url}/api/docs/${file}`);
    const body = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(body.length).toBeGreaterThan(100_000);
    expect(body).toContain(marker);
  });

  test('serves no other file of the package', async () => {
    const res = await fetch(`${server.url}/api/docs/package.json`);
    expect(res.status).toBe(404);
  });
});
