/** Every metric this service defines starts with this, so they are easy to find and never collide. */
export const PREFIX = 'pix_recovery_';
