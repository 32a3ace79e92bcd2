import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { pingDb, type Db } from './db/connect';
import { outboxBacklog, type OutboxBacklog } from './db/outbox';

export interface PartHealth {
  ok: boolean;
  detail?: string;
}

export interface HealthReport {
  ok: boolean;
  database: PartHealth;
  temporal: PartHealth;
  worker: PartHealth;
  /**
   * Webhooks stored but not yet handed to Temporal (null when the database didn't
   * answer). A backlog alone doesn't make the service unhealthy: webhooks are still taken.
   */
  outbox?: OutboxBacklog | null;
}

/** A poller seen this recently counts as a live worker (pollers long-poll for ~60 s). */
const POLLER_FRESH_MS = 90_000;
const CHECK_TIMEOUT_MS = 3_000;

export type HealthCheck = () => Promise<HealthReport>;

/** Database, Temporal, and a worker polling our task queue; never names hosts or credentials. */
export function createHealthCheck(db: Db, client: Client, taskQueue: string): HealthCheck {
  return async () => {
    const [database, temporalPart, worker, outbox] = await Promise.all([
      probe(() => pingDb(db)),
      probe(() => client.workflowService.getSystemInfo({})),
      probe(() => workerPolling(client, taskQueue)),
      outboxBacklog(db).catch(() => null),
    ]);
    const workerPart = temporalPart.ok ? worker : { ok: false, detail: 'temporal unreachable' };
    return {
      ok: database.ok && temporalPart.ok && workerPart.ok,
      database,
      temporal: temporalPart,
      worker: workerPart,
      outbox,
    };
  };
}

async function workerPolling(client: Client, taskQueue: string): Promise<void> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: {
      name: taskQueue,
      kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
    },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const now = Date.now();
  const fresh = (response.pollers ?? []).some((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return now - seconds * 1000 < POLLER_FRESH_MS;
  });
  if (!fresh) throw new Error(`no worker polling task queue "${taskQueue}"`);
}

async function probe(check: () => Promise<unknown>): Promise<PartHealth> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: safeDetail(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Only our own messages pass through; driver errors may carry hosts or connection strings. */
function safeDetail(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (message.startsWith('no worker polling') || message === 'timed out') return message;
  return 'unreachable';
}
