import { timingSafeEqual } from 'node:crypto';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Twilio authenticates every REST call with HTTP Basic: account sid as user, token as password. */
export function hasAccountCredentials(
  authorization: string | undefined,
  accountSid: string,
  authToken: string,
): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return false;
  return (
    sameText(decoded.slice(0, colon), accountSid) && sameText(decoded.slice(colon + 1), authToken)
  );
}
