import {
  continueAsNew,
  defineQuery,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention';

export const RETENTION_WORKFLOW_TYPE = 'dataRetention';
export const RETENTION_SCHEDULE_ID = 'pix-recovery-data-retention';

export interface RetentionInput {
  /** DATA_RETENTION: audit rows older than this are anonymised. */
  retentionMs: number;
  /** FREQUENCY_WINDOW: send claims older than this are deleted. */
  claimWindowMs: number;
  /** Rows per activity call. */
  batchSize: number;
  /** A breath between batches, so a large backlog never starves the intake of the database. */
  pauseMs: number;
  /** Carried over a continue-as-new; the same cutoffs keep the run one run. */
  progress?: RetentionProgress;
}

export interface RetentionProgress {
  /** ISO times: rows before them are in scope. */
  auditCutoff: string;
  claimCutoff: string;
  webhookEvents: number;
  smsMessages: number;
  sendClaims: number;
  /** The table being worked on, or `done`. */
  phase: 'webhook_events' | 'sms_messages' | 'sms_send_claims' | 'done';
}

export const retentionProgressQuery = defineQuery<RetentionProgress>('progress');

const { anonymiseOldWebhookEvents, anonymiseOldSmsMessages, deleteOldSendClaims } =
  proxyActivities<RetentionActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { maximumInterval: '1 minute' },
  });

/** Batches per run before continuing as new, so a long backlog keeps a short history. */
const BATCHES_PER_RUN = 200;

/**
 * Anonymises audit data older than DATA_RETENTION, table by table, in batches; its
 * progress is the `progress` query and the run's current details in the Web UI. Started
 * daily by a schedule; a run that stops part-way leaves the next one less to do.
 */
export async function dataRetention(input: RetentionInput): Promise<RetentionProgress> {
  const now = Date.now();
  const progress: RetentionProgress = input.progress ?? {
    auditCutoff: new Date(now - input.retentionMs).toISOString(),
    claimCutoff: new Date(now - input.claimWindowMs).toISOString(),
    webhookEvents: 0,
    smsMessages: 0,
    sendClaims: 0,
    phase: 'webhook_events',
  };
  setHandler(retentionProgressQuery, () => progress);
  const steps = {
    webhook_events: () => anonymiseOldWebhookEvents(progress.auditCutoff, input.batchSize),
    sms_messages: () => anonymiseOldSmsMessages(progress.auditCutoff, input.batchSize),
    sms_send_claims: () => deleteOldSendClaims(progress.claimCutoff, input.batchSize),
  } as const;
  const next = {
    webhook_events: 'sms_messages',
    sms_messages: 'sms_send_claims',
    sms_send_claims: 'done',
  } as const;
  const counter = {
    webhook_events: 'webhookEvents',
    sms_messages: 'smsMessages',
    sms_send_claims: 'sendClaims',
  } as const;
  for (let batch = 0; progress.phase !== 'done'; batch++) {
    if (batch === BATCHES_PER_RUN)
      await continueAsNew<typeof dataRetention>({ ...input, progress });
    report(progress);
    const { changed } = await steps[progress.phase]();
    progress[counter[progress.phase]] += changed;
    if (changed < input.batchSize) progress.phase = next[progress.phase];
    else await sleep(input.pauseMs);
  }
  report(progress);
  return progress;
}

function report(p: RetentionProgress): void {
  setCurrentDetails(
    [
      `**Data retention** — rows before ${p.auditCutoff} (claims before ${p.claimCutoff})`,
      `- webhook_events anonymised: ${p.webhookEvents}`,
      `- sms_messages anonymised: ${p.smsMessages}`,
      `- sms_send_claims deleted: ${p.sendClaims}`,
      `- now: ${p.phase}`,
    ].join('\n'),
  );
}
