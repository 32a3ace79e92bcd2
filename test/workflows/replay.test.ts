/**
 * Histories recorded from real runs (`temporal workflow show --output json` against the
 * dev server) must replay against the current workflow code: a change that would break
 * recoveries already in flight fails here first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  bundleRecoveryWorkflows,
  quietBundler,
  quietTemporalRuntime,
  testDataConverter,
} from '../helpers/temporal';

const HISTORIES = path.join(__dirname, '../fixtures/histories');

function loadHistory(name: string) {
  return historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, name), 'utf8')));
}

let current: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  quietTemporalRuntime();
  current = await bundleRecoveryWorkflows();
}, 60_000);

// Histories from before payload encryption (clear payloads) and after it (encrypted under
// the tests' key) both replay through the codec, as a worker reads them.
test.each(fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json')))(
  'the recorded history %s replays against the current workflow code',
  async (file) => {
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: current, dataConverter: testDataConverter },
        loadHistory(file),
      ),
    ).resolves.toBeUndefined();
  },
);

test('an encrypted history does not replay without its key', async () => {
  await expect(
    Worker.runReplayHistory({ workflowBundle: current }, loadHistory('encrypted-sms-sent.json')),
  ).rejects.toThrow();
});

test('a workflow change that reorders its steps is reported as non-determinism', async () => {
  const changed = await bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/changed-workflow'),
    logger: quietBundler,
  });
  await expect(
    Worker.runReplayHistory({ workflowBundle: changed }, loadHistory('recovered.json')),
  ).rejects.toThrow(DeterminismViolationError);
}, 60_000);
