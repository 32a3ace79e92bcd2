import { countSegments, segmentCount } from '../../src/sms/segments';

test('a GSM-7 body fits 160 characters in one SMS and 153 in each part after that', () => {
  expect(
    ['a'.repeat(160), 'a'.repeat(161), 'a'.repeat(306), 'a'.repeat(307)].map(countSegments),
  ).toEqual([1, 2, 2, 3]);
});

test('a character of the GSM-7 extension table costs two septets', () => {
  expect(segmentCount(`${'a'.repeat(158)}€`)).toMatchObject({
    encoding: 'GSM-7',
    units: 160,
    segments: 1,
  });
  expect(segmentCount(`${'a'.repeat(159)}€`)).toMatchObject({
    encoding: 'GSM-7',
    units: 161,
    segments: 2,
  });
});

test('one character outside GSM-7 makes the whole body UCS-2, 70 per SMS and 67 per part, and is named', () => {
  expect(segmentCount(`ã${'a'.repeat(69)}`)).toMatchObject({
    encoding: 'UCS-2',
    units: 70,
    segments: 1,
    firstNonGsm: 'ã',
  });
  expect(segmentCount(`ã${'a'.repeat(70)}`)).toMatchObject({
    encoding: 'UCS-2',
    single: 70,
    perPart: 67,
    segments: 2,
  });
});

test('in UCS-2 an emoji takes two units', () => {
  expect(segmentCount('Oi 👋')).toMatchObject({ encoding: 'UCS-2', units: 5, firstNonGsm: '👋' });
});

test('a GSM-7 body names no culprit', () => {
  expect(segmentCount('Oi, Maria! R$ 50,00')).toMatchObject({
    encoding: 'GSM-7',
    firstNonGsm: null,
    single: 160,
    perPart: 153,
  });
});
