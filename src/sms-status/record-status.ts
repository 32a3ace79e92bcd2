import type { Db } from '../db/connect';
import { recordStatusReport, type StatusReport, type StatusReportResult } from '../db/sms-messages';

/**
 * The SMS activity stores the SID only after Twilio's create answer reaches it, and a fast
 * callback (or the emulator's, sent at once) can overtake that write. A SID we don't know
 * yet is retried this long before the callback is answered as not recorded; Twilio waits
 * up to 15 s for an answer, so this stays well inside its timeout.
 */
export const UNKNOWN_SID_WAIT_MS = 2_000;
const RETRY_EVERY_MS = 100;

export async function recordStatusCallback(
  db: Db,
  report: StatusReport,
  unknownSidWaitMs = UNKNOWN_SID_WAIT_MS,
): Promise<StatusReportResult> {
  const deadline = Date.now() + unknownSidWaitMs;
  for (;;) {
    const result = await recordStatusReport(db, report);
    const left = deadline - Date.now();
    if (result !== 'unknown_sid' || left <= 0) return result;
    await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_EVERY_MS, left)));
  }
}
