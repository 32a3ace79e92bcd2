import { maskPhone, normalizePhone } from '../../src/domain/phone';

describe('a customer phone number', () => {
  it.each([
    ['(11) 98765-4321', '+5511987654321'],
    ['5511987654321', '+5511987654321'],
    ['+55 11 98765-4321', '+5511987654321'],
    ['011987654321', '+5511987654321'],
    ['11 9 8765 4321', '+5511987654321'],
    ['21999999999', '+5521999999999'],
    [' 21999999999 ', '+5521999999999'],
    ['+55 (21) 99999-9999', '+5521999999999'],
  ])('written as %j is the mobile %s', (raw, e164) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['a São Paulo landline', '1133334444'],
    ['a Rio landline with +55', '+55 21 2222-3333'],
    ['a toll-free number', '0800 123 4567'],
  ])('that is %s is refused as not a mobile', (_, raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: false, reason: 'not_mobile' });
  });

  it.each([
    ['eight digits starting with 8', '1187654321'],
    ['the pre-2016 mobile form', '1198765432'],
  ])('with ten digits (%s) is refused, never completed with a ninth digit', (_, raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([['not a phone'], ['call 11987654321 now'], ['12-ab-34']])('%j is unparseable', (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: false, reason: 'unparseable' });
  });

  it.each([[''], ['   '], [null], [undefined]])('%j is missing', (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: false, reason: 'missing' });
  });

  it('from abroad is accepted when its numbering plan cannot tell mobiles from landlines', () => {
    expect(normalizePhone('+1 650 253 0000')).toEqual({ ok: true, e164: '+16502530000' });
  });

  it('from abroad that is a known mobile is accepted', () => {
    expect(normalizePhone('+44 7911 123456')).toEqual({ ok: true, e164: '+447911123456' });
  });
});

describe('a masked phone number', () => {
  it.each([
    ['+5511987654321', '+55 11 9****-4321'],
    ['+552133334444', '+55 21 3***-4444'],
    ['+16502530000', '+1 ******0000'],
    ['+447911123456', '+44 ******3456'],
    ['123', '****'],
  ])('%s is shown as %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });
});
