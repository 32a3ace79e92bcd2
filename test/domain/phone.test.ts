import { maskPhone, maskPhonesIn, normalizePhone } from '../../src/domain/phone';

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

  it('from abroad is refused by default, however valid: we text Brazilian mobiles', () => {
    expect(normalizePhone('+44 7911 123456')).toEqual({ ok: false, reason: 'country_not_allowed' });
    expect(normalizePhone('+1 650 253 0000')).toEqual({ ok: false, reason: 'country_not_allowed' });
  });

  // +447911… is Guernsey's plan by country: a prefix names every country sharing it.
  const abroad = { countries: ['BR', 'US'], prefixes: ['+44'] };

  it('from abroad is accepted when ALLOWED_COUNTRIES names its country or prefix', () => {
    expect(normalizePhone('+44 7911 123456', abroad)).toEqual({ ok: true, e164: '+447911123456' });
    // A plan that cannot tell mobiles from landlines (NANP) is taken once allowed.
    expect(normalizePhone('+1 650 253 0000', abroad)).toEqual({ ok: true, e164: '+16502530000' });
    expect(normalizePhone('+351 912 345 678', abroad)).toEqual({
      ok: false,
      reason: 'country_not_allowed',
    });
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

describe('phone numbers inside free text', () => {
  it.each([
    [
      "The 'To' number +5511987654321 is not a valid phone number.",
      "The 'To' number +55 11 9****-4321 is not a valid phone number.",
    ],
    [
      'Permission to send an SMS has not been enabled for +447911123456',
      'Permission to send an SMS has not been enabled for +44 ******3456',
    ],
    ['unroutable: (11) 98765-4321', 'unroutable: *******4321'],
    ['Twilio error 21211 after 3 attempts', 'Twilio error 21211 after 3 attempts'],
    [
      'cliente ligou 11987654321 em 2026-11-29 12:00',
      'cliente ligou *******4321 em 2026-11-29 12:00',
    ],
    ['request 1764412345678 failed', 'request 1764412345678 failed'],
  ])('"%s" is served as "%s"', (text, masked) => {
    expect(maskPhonesIn(text)).toBe(masked);
  });
});
