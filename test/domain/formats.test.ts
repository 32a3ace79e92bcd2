import {
  ACCOUNT_SID,
  blankToUndefined,
  E164,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  MESSAGE_SID,
} from '../../src/domain/formats';

const HEX32 = '0123456789abcdef0123456789ABCDEF';

describe('the formats checked at the edges', () => {
  test.each(['+5511987654321', '+6834002', '+123456789012345'])('%s is E.164', (number) => {
    expect(E164.test(number)).toBe(true);
  });

  test.each(['5511987654321', '+0511987654321', '+683400', '+1234567890123456', '+55 11 98765'])(
    '%s is not E.164',
    (number) => {
      expect(E164.test(number)).toBe(false);
    },
  );

  test('a Twilio SID is its prefix and 32 hex characters, nothing around them', () => {
    expect(ACCOUNT_SID.test(`AC${HEX32}`)).toBe(true);
    expect(ACCOUNT_SID.test(`MG${HEX32}`)).toBe(false);
    expect(ACCOUNT_SID.test(`AC${HEX32}0`)).toBe(false);
    expect(MESSAGE_SID.test(`SM${HEX32}`)).toBe(true);
    expect(MESSAGE_SID.test(`MM${HEX32}`)).toBe(true);
    expect(MESSAGE_SID.test(`xSM${HEX32}`)).toBe(false);
  });

  test('content types match with parameters and +json suffixes, in any case', () => {
    expect(JSON_CONTENT_TYPE.test('application/json; charset=utf-8')).toBe(true);
    expect(JSON_CONTENT_TYPE.test('Application/Problem+JSON')).toBe(true);
    expect(JSON_CONTENT_TYPE.test('application/jsonx')).toBe(false);
    expect(FORM_CONTENT_TYPE.test('application/x-www-form-urlencoded;charset=UTF-8')).toBe(true);
    expect(FORM_CONTENT_TYPE.test('multipart/form-data')).toBe(false);
  });

  test('blank text means unset; anything else is kept as it is', () => {
    expect(blankToUndefined('')).toBeUndefined();
    expect(blankToUndefined('  \t')).toBeUndefined();
    expect(blankToUndefined(' x ')).toBe(' x ');
    expect(blankToUndefined(0)).toBe(0);
  });
});
