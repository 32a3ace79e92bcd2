/**
 * Customer data in Temporal is ciphertext: a real `temporal server start-dev`, the API
 * (with its codec server) and a worker, both encrypting; then the `temporal` CLI reads the
 * history as an operator would, without and with the codec endpoint.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { toolPath } from '../../src/embedded/project';
import { startApi, type RunningApi } from '../../src/runtime/api';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { recoveryWorkflowId } from '../../workflows/definitions';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { freePort } from '../helpers/ports';
import { eventually } from '../helpers/processes';
import { createRecoveryWorker } from '../helpers/recovery-worker';
import { startTestDevServer, TEST_PAYLOAD_KEYS } from '../helpers/temporal';
import { MOBILE, MOBILE_E164, newPaymentId, tribopayPostback } from '../http/webhook-payloads';

const run = promisify(execFile);
const TASK_QUEUE = 'encryption-e2e';
const API_TOKEN = 'encryption-e2e-token-0123456789';
const WEBHOOK_SECRET = 'encryption-e2e-webhook-secret-0123';
const NAME = 'Maria Silva';

let server: Awaited<ReturnType<typeof startTestDevServer>>;
let testDb: TestDb;
let emulator: TwilioEmulator;
let api: RunningApi;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let workflowId: string;
let failingWorkflowId: string;
const FAILING_E164 = '+5511987001234';

beforeAll(async () => {
  let port: number;
  [server, testDb, emulator, port] = await Promise.all([
    startTestDevServer(),
    sqliteTestDb(),
    startTwilioEmulator({ port: 0 }),
    freePort(),
  ]);
  const config = loadConfig({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    PORT: String(port),
    RECOVERY_DELAY: '1s',
    ATTRIBUTION_WINDOW: '1s',
    QUIET_HOURS: 'off',
    API_TOKEN,
    WEBHOOK_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  });
  api = await startApi(config, testDb.db, pino({ level: 'silent' }), '127.0.0.1');
  connection = await NativeConnection.connect({ address: server.address });
  worker = await createRecoveryWorker({
    connection,
    taskQueue: TASK_QUEUE,
    db: testDb.db,
    emulator,
  });
  running = worker.run();

  const paymentId = newPaymentId('enc');
  workflowId = recoveryWorkflowId('tribopay', paymentId);
  const reply = await fetch(`${api.url}/api/webhooks/tribopay/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-token': WEBHOOK_SECRET },
    body: JSON.stringify(tribopayPostback(paymentId, { phone: MOBILE, name: NAME })),
  });
  expect(reply.status).toBe(202);
  // The SMS went out (the activity read the phone from the workflow's decrypted input).
  await eventually(() => emulator.messages().some((m) => m.to === MOBILE_E164), 30_000, 'the SMS');
  await api.client.workflow.getHandle(workflowId).result();

  // A second recovery whose SMS Twilio refuses with a message quoting the number.
  emulator.failForNumber(FAILING_E164, {
    kind: 'error',
    httpStatus: 400,
    code: 21211,
    message: `The 'To' number ${FAILING_E164} is not a valid phone number.`,
  });
  const failingId = newPaymentId('enc-fail');
  failingWorkflowId = recoveryWorkflowId('tribopay', failingId);
  const failing = await fetch(`${api.url}/api/webhooks/tribopay/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-token': WEBHOOK_SECRET },
    body: JSON.stringify(tribopayPostback(failingId, { phone: FAILING_E164.slice(3), name: NAME })),
  });
  expect(failing.status).toBe(202);
  // A permanent Twilio error fails the recovery: wait for it to close, however it closes.
  await api.client.workflow
    .getHandle(failingWorkflowId)
    .result()
    .catch(() => undefined);
}, 120_000);

afterAll(async () => {
  if (worker) {
    worker.shutdown();
    await running;
  }
  await connection?.close();
  await api?.close();
  await Promise.all([server?.stop(), emulator?.close(), testDb?.drop()]);
});

function show(...extra: string[]): Promise<string> {
  return showWorkflow(workflowId, ...extra);
}

function showWorkflow(id: string, ...extra: string[]): Promise<string> {
  return run(
    toolPath('temporal'),
    [
      'workflow',
      'show',
      '--address',
      server.address,
      '--workflow-id',
      id,
      '--output',
      'json',
      ...extra,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  ).then((r) => r.stdout);
}

/** Every payload's bytes, decoded from base64, so clear JSON can't hide inside a field. */
function payloadBytes(json: unknown): string[] {
  if (Array.isArray(json)) return json.flatMap(payloadBytes);
  if (json === null || typeof json !== 'object') return [];
  return Object.entries(json).flatMap(([key, value]) =>
    key === 'data' && typeof value === 'string'
      ? [Buffer.from(value, 'base64').toString('latin1')]
      : payloadBytes(value),
  );
}

test('without the codec, the history shows no phone number or name anywhere', async () => {
  const raw = await show();

  // The payloads are there, as ciphertext: encoding "binary/encrypted", in base64.
  expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
  for (const text of [raw, ...payloadBytes(JSON.parse(raw))]) {
    expect(text).not.toContain('98765');
    expect(text).not.toContain('Maria');
    expect(text).not.toContain('Silva');
  }
}, 30_000);

test('with --codec-endpoint and a token, the same history shows them', async () => {
  const raw = await show(
    '--codec-endpoint',
    `${api.url}/codec/{namespace}`,
    '--codec-auth',
    `Bearer ${API_TOKEN}`,
  );

  // JSON output keeps each payload's data in base64; decoded, it is the customer's.
  const clear = payloadBytes(JSON.parse(raw)).join('\n');
  expect(clear).toContain(MOBILE_E164);
  expect(clear).toContain(NAME);
}, 30_000);

test("Twilio's error message, which quotes the number, is in the history only encrypted", async () => {
  const raw = await showWorkflow(failingWorkflowId);

  expect(raw).toContain('EVENT_TYPE_ACTIVITY_TASK_FAILED');
  expect(raw).toContain('Encoded failure');
  for (const text of [raw, ...payloadBytes(JSON.parse(raw))]) {
    expect(text).not.toContain('87001234');
    expect(text).not.toContain('not a valid phone number');
  }

  const decoded = await showWorkflow(
    failingWorkflowId,
    '--codec-endpoint',
    `${api.url}/codec/{namespace}`,
    '--codec-auth',
    `Bearer ${API_TOKEN}`,
  );
  expect(payloadBytes(JSON.parse(decoded)).join('\n')).toContain('not a valid phone number');
}, 30_000);
