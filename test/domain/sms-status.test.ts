import {
  isReportedSmsStatus,
  REPORTED_SMS_STATUSES,
  smsStatusRank,
} from '../../src/domain/sms-status';

/** What the status-report UPDATE compares: a row takes a status only of a strictly higher rank. */
const movesOn = (current: string, next: string) => smsStatusRank(current) < smsStatusRank(next);

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
    expect(movesOn(current, next)).toBe(true);
  });

  test.each([
    ['delivered', 'sent'],
    ['sent', 'queued'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
  ])('%s does not go back (or stay put) for a late %s', (current, next) => {
    expect(movesOn(current, next)).toBe(false);
  });

  test('final statuses never change, not even to another final status', () => {
    for (const final of ['delivered', 'undelivered', 'failed', 'cancelled']) {
      for (const next of REPORTED_SMS_STATUSES) expect(movesOn(final, next)).toBe(false);
    }
  });

  test('a stored status we do not know may be replaced by anything Twilio reports', () => {
    expect(smsStatusRank('something-new')).toBe(smsStatusRank('pending'));
    expect(movesOn('something-new', 'queued')).toBe(true);
  });

  test('only SMS statuses count as reports we record; names of Object.prototype are not statuses', () => {
    expect(isReportedSmsStatus('delivered')).toBe(true);
    expect(isReportedSmsStatus('read')).toBe(false);
    expect(isReportedSmsStatus('constructor')).toBe(false);
    expect(smsStatusRank('constructor')).toBe(smsStatusRank('pending'));
  });
});
