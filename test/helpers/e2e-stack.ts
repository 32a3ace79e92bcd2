/**
 * The end-to-end stack: a real `temporal server start-dev`, real PostgreSQL, the HTTP API
 * as `start:api` runs it, the worker as its own process (so it can be killed), and the
 * Twilio emulator behind the real client.
 */
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startApi, type RunningApi } from '../../src/runtime/api';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb } from './db';
import { freePort } from './ports';
import { spawnEntrypoint, stopProcess, type Spawned } from './processes';
import { startTestDevServer, TEST_PAYLOAD_KEYS } from './temporal';

export interface E2eStack {
  server: Awaited<ReturnType<typeof startTestDevServer>>;
  testDb: TestDb;
  emulator: TwilioEmulator;
  api: RunningApi;
  worker: Spawned;
  /** The environment the API and the worker were started with. */
  env: Record<string, string>;
  startWorkerProcess(): Promise<Spawned>;
  close(): Promise<void>;
}

/** `settings` are added to (or replace) the stack's own environment. */
export async function startE2eStack(settings: Record<string, string>): Promise<E2eStack> {
  const [server, testDb, emulator, port] = await Promise.all([
    startTestDevServer(),
    pgTestDb(),
    startTwilioEmulator({ port: 0, statusCallbacks: true }),
    freePort(),
  ]);
  const env = {
    DATABASE_URL: testDb.url,
    TEMPORAL_ADDRESS: server.address,
    QUIET_HOURS: 'off', // these tests run at any hour; quiet hours have their own tests
    TWILIO_ACCOUNT_SID: emulator.accountSid,
    TWILIO_AUTH_TOKEN: emulator.authToken,
    TWILIO_PHONE_NUMBER: '+15005550006',
    TWILIO_API_URL: emulator.url,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...settings,
  };
  const startWorkerProcess = () => {
    const spawned = spawnEntrypoint('worker', env);
    return spawned.waitFor(/worker polling/).then(() => spawned);
  };
  // Listens where HOST says, as start:api does.
  const api = await startApi(loadConfig(env), testDb.db, pino({ level: 'silent' }));
  const stack: E2eStack = {
    server,
    testDb,
    emulator,
    api,
    worker: await startWorkerProcess(),
    env,
    startWorkerProcess,
    async close() {
      await stopProcess(stack.worker);
      await api.close();
      await Promise.all([server.stop(), emulator.close(), testDb.drop()]);
    },
  };
  return stack;
}

/**
 * A mobile number per call, unique to this process: each test file gives its own `first`
 * and `step`, so files running side by side never text the same number.
 */
export function mobileNumbers(first: number, step: number): () => string {
  let seq = 0;
  return () => {
    seq += 1;
    return `+55119${String(first + seq * step + (process.pid % 1000)).padStart(8, '0')}`;
  };
}

/** TriboPay's postback of a PIX charge created now (R$ 129,90), as the e2e tests post it. */
export function tribopayBodyNow(id: string, status: string, phone: string): string {
  return JSON.stringify({
    token: 'k9i21ah8ta',
    event: 'transaction',
    status,
    method: 'pix',
    created_at: new Date().toISOString(),
    customer: { name: 'Ana Souza', phone_number: phone.replace('+55', '') },
    transaction: { id, amount: '12990', status },
  });
}
