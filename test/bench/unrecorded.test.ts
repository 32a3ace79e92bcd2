import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import type { Db } from '../../src/db/connect';
import { handleWebhook } from '../../src/intake/handle-webhook';
import { createOutboxRelay } from '../../src/intake/outbox-relay';
import { parseWebhook } from '../../src/gateways';
import { writeTransition } from '../../src/db/recovery-events';
import { createRecoveryClient, type RecoveryClient } from '../../src/temporal/recovery-client';
import { paymentFactory, waitingBody } from '../../bench/bodies';
import { describeInTemporal, formatUnrecorded, unrecordedRecoveries } from '../../bench/unrecorded';
import { pgTestDb, type TestDb } from '../helpers/db';
import { INTAKE_DELAY_MS } from '../helpers/http';
import { parkedRelay } from '../helpers/parked-relay';
import { startTestDevServer, testDataConverter } from '../helpers/temporal';

const silent = pino({ level: 'silent' });
/** No worker polls it: a recovery started there stays at its first workflow task. */
const NO_WORKER = 'unrecorded-no-worker';

// The dev server, as the bench runs: it reports a workflow task pending, the test server doesn't.
let server: Awaited<ReturnType<typeof startTestDevServer>>;
let connection: Connection;
let client: Client;
let target: TestDb;

beforeAll(async () => {
  server = await startTestDevServer();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, dataConverter: testDataConverter });
  target = await pgTestDb();
}, 60_000);

afterAll(async () => {
  await target?.drop();
  await connection?.close();
  await server?.stop();
  if (server) fs.rmSync(server.dir, { recursive: true, force: true });
});

const next = paymentFactory('unrec');

/** Stores a waiting webhook through the intake, its outbox row left for a sweep. */
async function store(db: Db): Promise<string> {
  const raw = waitingBody(next());
  const parsed = parseWebhook('tribopay', JSON.parse(raw));
  if (!parsed.ok) throw new Error('fixture does not parse');
  const { workflowId } = await handleWebhook(
    { db, relay: parkedRelay },
    { event: parsed.event, rawBody: raw, contentType: 'application/json' },
  );
  return workflowId!;
}

function sweepWith(recoveries: RecoveryClient) {
  return createOutboxRelay({ db: target.db, recoveries, logger: silent }).sweep();
}

test('says which recoveries lack waiting: still in the outbox, handed off and in Temporal, or handed off and not', async () => {
  const temporal = createRecoveryClient(client, {
    taskQueue: NO_WORKER,
    delayMs: INTAKE_DELAY_MS,
    attributionWindowMs: 24 * 3_600_000,
  });
  const recorded = await store(target.db);
  const behind = await store(target.db);
  await sweepWith(temporal);
  // A relay whose hand-off reaches no Temporal, as the bench's API without Temporal had.
  const lost = await store(target.db);
  await sweepWith({
    ...temporal,
    signal: async (_gateway, _paymentId) => ({ signalled: true, workflowId: lost }),
  });
  const queued = await store(target.db);
  await writeTransition(target.db, {
    eventKey: `${recorded}:run:1:waiting`,
    workflowId: recorded,
    gateway: 'tribopay',
    paymentId: recorded.split(':')[2],
    transition: 'waiting',
    detail: {},
    occurredAt: new Date().toISOString(),
  });

  const report = await unrecordedRecoveries(target.db, 4, (id) =>
    describeInTemporal(connection, id),
  );

  expect(report.recorded).toBe(1);
  expect(report.webhooks.map((w) => [w.workflowId, w.outbox, !!w.handedOffAt])).toEqual([
    [behind, null, true],
    [lost, null, true],
    [queued, { attempts: 0, lastError: null }, false],
  ]);
  expect(report.webhooks[0].temporal).toMatch(/^running, workflow task scheduled/);
  expect(report.webhooks[1].temporal).toBe('not found');
  expect(formatUnrecorded(report)).toContain('1 not found');
});
