import type { Db } from '../src/db/connect';
import type { Logger } from '../src/logging';
import type { SmsSender } from '../src/sms/sender';
import { createRecordTransition } from './record-transition';
import { createSendRecoverySms } from './send-recovery-sms';

export interface ActivityDeps {
  db: Db;
  sms: SmsSender;
  logger: Logger;
  /** The SMS template (configured or default), already validated. */
  template: string;
  /** Twilio's delivery reports go here when the service has a public URL. */
  statusCallbackUrl?: string;
}

/** Every side effect the recovery workflow asks for. */
export function createActivities(deps: ActivityDeps) {
  return {
    recordTransition: createRecordTransition(deps),
    sendRecoverySms: createSendRecoverySms(deps),
  };
}

export type { SendSmsInput, SendSmsResult } from './send-recovery-sms';
