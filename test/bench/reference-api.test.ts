import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDb } from '../../src/db/connect';
import { outboxBacklog } from '../../src/db/outbox';
import { handleWebhook } from '../../src/intake/handle-webhook';
import { parseWebhook } from '../../src/gateways';
import { paymentFactory, waitingBody } from '../../bench/bodies';
import { startApiWithoutTemporal, type ReferenceApi } from '../../bench/reference-api';
import { pgTestDb, type TestDb } from '../helpers/db';
import { parkedRelay } from '../helpers/parked-relay';
import { eventually } from '../helpers/processes';

const ROOT = path.resolve(__dirname, '../..');

/** What the stack's API leaves for its sweeper when it has too many hand-offs in flight. */
async function storeLeftForTheSweeper(stack: TestDb, id: string): Promise<number> {
  const raw = waitingBody({ ...paymentFactory('stack')(), id });
  const parsed = parseWebhook('tribopay', JSON.parse(raw));
  if (!parsed.ok) throw new Error('fixture does not parse');
  const result = await handleWebhook(
    { db: stack.db, relay: parkedRelay },
    { event: parsed.event, rawBody: raw, contentType: 'application/json' },
  );
  return result.eventId;
}

describe('the intake bench API without Temporal', () => {
  let stack: TestDb;
  let reference: ReferenceApi | undefined;
  let logDir: string;
  const secret = randomBytes(24).toString('hex');

  beforeAll(async () => {
    stack = await pgTestDb();
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-api-'));
  });
  afterAll(async () => {
    await reference?.stop();
    await stack?.drop();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  // Its relay "hands off" to nothing: were its database the stack's, a sweep of its own would mark
  // the stack's free rows handed off though the stack's Temporal never got them.
  test('keeps its webhooks out of the stack database, whose row left for the sweeper stays free', async () => {
    const leftId = await storeLeftForTheSweeper(stack, 'left-for-the-sweeper');
    reference = await startApiWithoutTemporal({
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: stack.url,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        RECOVERY_DELAY: '1h',
        QUIET_HOURS: 'off',
        WEBHOOK_SECRET: secret,
        PAYLOAD_KEYS: `test:${randomBytes(32).toString('base64')}`,
        LOG_LEVEL: 'info',
      },
      serviceDist: ROOT + '/dist',
      logFile: path.join(logDir, 'reference.log'),
    });
    const next = paymentFactory('ref');
    for (let i = 0; i < 5; i += 1) {
      const answer = await fetch(`${reference.url}/api/webhooks/tribopay/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': secret },
        body: waitingBody(next()),
      });
      expect(answer.status).toBe(202);
    }

    // The stack holds its own webhook only, its outbox row still free for its sweeper.
    expect((await stack.db('webhook_events').pluck('id')).map(Number)).toEqual([leftId]);
    const rows = await stack
      .db('outbox')
      .select<{ webhook_event_id: string; claimed_until: Date | null; attempts: number }[]>(
        'webhook_event_id',
        'claimed_until',
        'attempts',
      );
    expect(rows.map((r) => ({ ...r, webhook_event_id: Number(r.webhook_event_id) }))).toEqual([
      { webhook_event_id: leftId, claimed_until: null, attempts: 0 },
    ]);

    // Its own go to a database of its own, handed off there, which its stop drops.
    const own = createDb({ client: 'pg', url: stack.url.replace(/[^/]*$/, reference.database) });
    try {
      expect(await own('webhook_events').whereNotNull('workflow_id').count({ n: '*' })).toEqual([
        { n: '5' },
      ]);
      await eventually(async () => (await outboxBacklog(own)).pending === 0, 10_000);
    } finally {
      await own.destroy();
    }
    await reference.stop();
    const left = await stack.db('pg_database').where({ datname: reference.database });
    reference = undefined;
    expect(left).toEqual([]);
  });
});
