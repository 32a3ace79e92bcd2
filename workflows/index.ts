export { paymentRecovery } from './recovery';
