export { startTwilioEmulator, DEV_ACCOUNT_SID, randomAuthToken } from './server';
export { MESSAGING_SERVICE_FROM } from './create-message';
export type {
  EmulatedMessage,
  Fault,
  MessageStatus,
  TwilioEmulator,
  TwilioEmulatorOptions,
} from './types';
