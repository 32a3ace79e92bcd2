import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { AesGcmPayloadCodec } from '../../src/temporal/codec';
import { dataConverter } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/temporal/payload-keys';
import { workflowBundleOptions, WORKFLOWS_PATH } from '../../src/temporal/worker';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import { toolPath } from '../../src/embedded/project';
import { startDevServer, type DevServer } from '../../src/embedded/temporal-dev-server';
import { freePort } from './ports';

let runtimeQuiet = false;

/**
 * The key tests encrypt Temporal payloads with, as the service does: PAYLOAD_KEYS for the
 * processes tests spawn, `testDataConverter` for the clients and workers they build.
 */
export const TEST_PAYLOAD_KEYS = `test-1:${Buffer.alloc(32, 7).toString('base64')}`;
export const testCodec = new AesGcmPayloadCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS));
export const testDataConverter = dataConverter(testCodec);

/** The SDK logs every worker state change at INFO; tests only want errors (expected activity failures log at WARN). */
export function quietTemporalRuntime(): void {
  if (runtimeQuiet) return;
  Runtime.install({
    logger: new DefaultLogger((process.env.TEMPORAL_TEST_LOG as 'WARN') ?? 'ERROR'),
  });
  runtimeQuiet = true;
}

/** The bundler's output, which tests don't want. */
export const quietBundler = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/**
 * The recovery workflows bundled as a worker runs them (the failure converter inside, the
 * modules preloaded), for tests that start many workers or replay histories: `workflowsPath`
 * bundles another module.
 */
export function bundleRecoveryWorkflows(
  workflowsPath = WORKFLOWS_PATH,
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    ...workflowBundleOptions(workflowsPath),
    logger: quietBundler,
  });
}

/** The time-skipping test server installed by `npm run setup` (never downloaded). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietTemporalRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolPath('temporal-test-server') } },
    client: { dataConverter: testDataConverter },
  });
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** A real `temporal server start-dev` on free ports, persisting to a temp SQLite file. */
export async function startTestDevServer(
  dir?: string,
): Promise<DevServer & { dir: string; metricsUrl: string }> {
  quietTemporalRuntime();
  const base = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-temporal-'));
  const metricsPort = await freePort();
  const server = await startDevServer({
    dbFile: path.join(base, 'temporal.sqlite'),
    port: await freePort(),
    uiPort: await freePort(),
    metricsPort,
    namespace: 'default',
    logFile: path.join(base, 'temporal.log'),
  });
  return { ...server, dir: base, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}
