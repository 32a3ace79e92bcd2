import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connect';
import { claimSmsRow, countAttempt, markAccepted, markFailed } from '../db/sms-messages';
import { SmsSendError } from '../sms/errors';
import type { SmsSender } from '../sms/sender';
import type { TestSmsResult } from './shapes';

export interface TestSmsDeps {
  db: Db;
  sms: SmsSender;
  /** Where Twilio reports delivery, so the test message's final status is recorded too. */
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
  try {
    const accepted = await deps.sms.send({ to, body, statusCallback: deps.statusCallbackUrl });
    await markAccepted(deps.db, row.id, accepted.sid, accepted.status);
    return { sid: accepted.sid, status: accepted.status, smsId: row.id, workflowId, to, body };
  } catch (err) {
    const code = err instanceof SmsSendError ? err.code : null;
    await markFailed(deps.db, row.id, 'failed', {
      code,
      message: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
}
