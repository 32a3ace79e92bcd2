import type { OutboxRelay } from '../../src/intake/outbox-relay';

/** A relay that never hands off by itself: the intake's outbox rows wait for a sweep. */
export const parkedRelay: OutboxRelay = {
  claimForNewEntry: () => null,
  accept: () => undefined,
  sweep: async () => 0,
  idle: async () => undefined,
  start: () => undefined,
  stop: async () => undefined,
};
