import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connect';
import { claimSmsRow, countAttempt, markAccepted, markFailed } from '../db/sms-messages';
import { SmsSendError } from '../sms/errors';
import type { SmsSender } from '../sms/sender';
import type { Logger } from '../logging';
import type { TestSmsResult } from './shapes';

export interface TestSmsDeps {
  db: Db;
  sms: SmsSender;
  logger?: Logger;
  /** Where Twilio posts status reports, so the test message's final status is recorded too. */
  statusCallbackUrl?: string;
}

/** The `gateway` of test messages in `sms_messages`, which has no payment to name. */
export const TEST_SMS_GATEWAY = 'test-sms';

/**
 * Sends one SMS outside any recovery and records it like one (step 1 of workflow
 * `test-sms:<uuid>`), so it shows in the SMS logs and stats. Twilio's refusal is recorded
 * on the row and rethrown for the caller to answer.
 */
export async function sendTestSms(
  deps: TestSmsDeps,
  to: string,
  body: string,
): Promise<TestSmsResult> {
  const id = randomUUID();
  const workflowId = `test-sms:${id}`;
  const row = await claimSmsRow(deps.db, {
    workflowId,
    step: 1,
    gateway: TEST_SMS_GATEWAY,
    paymentId: id,
    toE164: to,
    body,
  });
  await countAttempt(deps.db, row.id);
  let accepted: { sid: string; status: string };
  try {
    accepted = await deps.sms.send({ to, body, statusCallback: deps.statusCallbackUrl });
  } catch (err) {
    // Twilio's own words only: anything else (a bug, a driver error) is not for the logs' readers.
    const known = err instanceof SmsSendError;
    await markFailed(deps.db, row.id, 'failed', {
      code: known ? err.code : null,
      message: known ? err.message : 'unexpected error while sending (see the service log)',
    });
    throw err;
  }
  await recordAccepted(deps, row.id, accepted);
  return { sid: accepted.sid, status: accepted.status, smsId: row.id, workflowId, to, body };
}

/** Waits between attempts at recording an accepted message: short, the caller is waiting. */
const RECORD_BACKOFF_MS = [100, 400];

/**
 * The message went out: whatever happens to the write, it is never reported or recorded
 * as failed. The write is tried a few times; if it still fails the SID goes to the error
 * log, where an operator can match it with Twilio's console.
 */
async function recordAccepted(
  deps: TestSmsDeps,
  smsId: number,
  accepted: { sid: string; status: string },
): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await markAccepted(deps.db, smsId, accepted.sid, accepted.status);
      return;
    } catch (err) {
      if (attempt >= RECORD_BACKOFF_MS.length) {
        deps.logger?.error(
          { err, sid: accepted.sid, smsId },
          'test SMS accepted by Twilio but its SID could not be recorded',
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, RECORD_BACKOFF_MS[attempt]));
    }
  }
}
