export { DEV_TRIBOPAY_TOKEN, startTribopayEmulator } from './server';
export type {
  StatusRequest,
  TribopayEmulator,
  TribopayEmulatorOptions,
  TribopayFault,
} from './types';
