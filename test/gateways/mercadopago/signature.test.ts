/** Mercado Pago's `x-signature`: HMAC-SHA256 over its documented manifest, with a ts tolerance. */
import { createHmac } from 'node:crypto';
import {
  manifest,
  MERCADOPAGO_TS_TOLERANCE_MS,
  signNotification,
  verifyNotification,
} from '../../../src/gateways/mercadopago/signature';

const SECRET = 'mp-application-secret-signature';
const NOW = Date.parse('2026-11-29T00:30:00Z');
const TS = String(NOW / 1000);
const REQUEST_ID = 'bb56a2f1-6aae-46ac-982e-9dcd3581d08e';

function signed(overrides: { secret?: string; ts?: string; dataId?: string } = {}) {
  const dataId = overrides.dataId ?? '123456';
  const signature = signNotification(overrides.secret ?? SECRET, {
    dataId,
    requestId: REQUEST_ID,
    ts: overrides.ts ?? TS,
  });
  return { signature, requestId: REQUEST_ID, dataId };
}

test('the manifest is the documented one, trailing semicolon and all', () => {
  expect(manifest('123456', REQUEST_ID, TS)).toBe(`id:123456;request-id:${REQUEST_ID};ts:${TS};`);
  // An absent value's whole segment is left out.
  expect(manifest('123456', undefined, TS)).toBe(`id:123456;ts:${TS};`);
  // Alphanumeric ids are lower-cased (the Orders API's rule).
  expect(manifest('ORD01ABC', REQUEST_ID, TS)).toContain('id:ord01abc;');
});

test('the signature is lowercase hex HMAC-SHA256 of the manifest with the secret', () => {
  const expected = createHmac('sha256', SECRET)
    .update(`id:123456;request-id:${REQUEST_ID};ts:${TS};`)
    .digest('hex');
  expect(signed().signature).toBe(`ts=${TS},v1=${expected}`);
});

test('a notification signed with the secret is accepted, spaces after the comma too', () => {
  expect(verifyNotification(SECRET, signed(), NOW)).toEqual({ ok: true });
  const spaced = signed().signature.replace(',', ', ');
  expect(verifyNotification(SECRET, { ...signed(), signature: spaced }, NOW)).toEqual({
    ok: true,
  });
});

test('a millisecond ts is read as milliseconds', () => {
  const ms = String(NOW);
  expect(verifyNotification(SECRET, signed({ ts: ms }), NOW)).toEqual({ ok: true });
});

test.each([
  ['a wrong secret', signed({ secret: 'another-applications-secret' }), /mismatch/],
  ['another payment id than the one signed', { ...signed(), dataId: '999999' }, /mismatch/],
  ['another request id', { ...signed(), requestId: 'other' }, /mismatch/],
  ['no signature', { ...signed(), signature: undefined }, /missing x-signature/],
  ['no data.id in the query', { ...signed(), dataId: undefined }, /data\.id/],
  ['no v1', { ...signed(), signature: `ts=${TS}` }, /lacks ts or v1/],
  ['a ts that is not a number', signed({ ts: 'yesterday' }), /not a timestamp/],
])('%s is refused', (_name, notification, reason) => {
  const check = verifyNotification(SECRET, notification, NOW);
  expect(check.ok).toBe(false);
  expect(!check.ok && check.reason).toMatch(reason);
});

test('a ts outside the tolerance is refused as stale, on either side of our clock', () => {
  const tolerance = MERCADOPAGO_TS_TOLERANCE_MS / 1000;
  const stale = signed({ ts: String(NOW / 1000 - tolerance - 1) });
  const future = signed({ ts: String(NOW / 1000 + tolerance + 1) });
  const edge = signed({ ts: String(NOW / 1000 - tolerance) });
  expect(verifyNotification(SECRET, stale, NOW)).toMatchObject({ ok: false, reason: /stale/ });
  expect(verifyNotification(SECRET, future, NOW)).toMatchObject({ ok: false });
  expect(verifyNotification(SECRET, edge, NOW)).toEqual({ ok: true });
});
