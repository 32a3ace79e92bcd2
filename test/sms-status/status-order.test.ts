import {
  advances,
  CALLBACK_STATUSES,
  isCallbackStatus,
  statusRank,
} from '../../src/sms-status/status-order';

describe('the order an SMS status moves in', () => {
  test.each([
    ['pending', 'queued'],
    ['queued', 'sending'],
    ['accepted', 'sent'],
    ['sending', 'sent'],
    ['sent', 'delivered'],
    ['sent', 'undelivered'],
    ['queued', 'failed'],
  ])('%s moves on to %s', (current, next) => {
    expect(advances(current, next)).toBe(true);
  });

  test.each([
    ['delivered', 'sent'],
    ['sent', 'queued'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
  ])('%s does not go back (or stay put) for a late %s', (current, next) => {
    expect(advances(current, next)).toBe(false);
  });

  test('final statuses never change, not even to another final status', () => {
    for (const final of ['delivered', 'undelivered', 'failed', 'cancelled']) {
      for (const next of CALLBACK_STATUSES) expect(advances(final, next)).toBe(false);
    }
  });

  test('a stored status we do not know may be replaced by anything Twilio reports', () => {
    expect(statusRank('something-new')).toBe(statusRank('pending'));
    expect(advances('something-new', 'queued')).toBe(true);
  });

  test('only SMS statuses count as callbacks we record; names of Object.prototype are not statuses', () => {
    expect(isCallbackStatus('delivered')).toBe(true);
    expect(isCallbackStatus('read')).toBe(false);
    expect(isCallbackStatus('constructor')).toBe(false);
    expect(statusRank('constructor')).toBe(statusRank('pending'));
  });
});
