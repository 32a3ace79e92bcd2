export { paymentRecovery } from './recovery';
export { dataRetention } from './retention';
