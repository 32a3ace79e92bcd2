import fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_PATH, workflowBundleOptions } from './worker';

/** `npm run build`: pre-bundles the workflow code so workers start without webpack. */
async function run(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    ...workflowBundleOptions(),
    logger: {
      trace() {},
      debug() {},
      info() {},
      warn: console.warn,
      error: console.error,
      log() {},
    },
  });
  fs.writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  console.log(
    `workflow bundle written to ${WORKFLOW_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`,
  );
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
