/**
 * Prints the node flags a worker process starts with, from WORKER_HEAP_MB, for
 * scripts/worker-node.sh. The whole configuration (.env included) is checked here, so a bad
 * WORKER_HEAP_MB is reported like any other setting, with the others, before node is started
 * with it: node itself would only say "illegal value for flag".
 */
import { loadConfigOrExit } from '../config';
import { workerNodeFlags } from '../runtime/worker-node-flags';

const config = loadConfigOrExit();
process.stdout.write(`${workerNodeFlags(config.workerHeapMb).join(' ')}\n`);
