import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { pgTestDb, type TestDb } from '../helpers/db';
import { freePort } from '../helpers/ports';
import { intakeApp, serve, type TestServer } from '../helpers/http';

let t: TestDb; let s: TestServer; let client: Client;
beforeAll(async () => {
  t = await pgTestDb();
  const port = await freePort();
  client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}` }) });
  s = await serve(intakeApp({ db: t.db, temporal: client }));
});
afterAll(async () => { await s.close(); await t.drop(); await client.connection.close(); });

test('413 declared', async () => {
  for (let i = 0; i < 5; i++) {
    try {
      const r = await s.post('/api/webhooks/ghostpay', Buffer.alloc(1024 * 1024 + 100, 'a'));
      console.log('declared', r.status, r.text);
    } catch (e) { console.log('declared err', (e as any).cause ?? e); }
  }
});
test('413 chunked', async () => {
  for (let i = 0; i < 3; i++) {
    const res = await new Promise<string>((resolve) => {
      const req = http.request(s.url + '/api/webhooks/ghostpay', { method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
        let d = ''; r.on('data', (c) => (d += c)); r.on('end', () => resolve(`${r.statusCode} ${d}`));
      });
      req.on('error', (e) => resolve('err ' + e.message));
      const chunk = Buffer.alloc(64 * 1024, 'a');
      for (let k = 0; k < 17; k++) req.write(chunk);
      req.end();
    });
    console.log('chunked', res);
  }
});
test('temporal down', async () => {
  const started = Date.now();
  const r = await s.post('/api/webhooks/ghostpay', { paymentId: 'x1', status: 'PENDING', paymentMethod: 'PIX', customer: { phone: '11987654321' } });
  console.log('temporal down', r.status, r.text, Date.now() - started);
}, 60_000);
