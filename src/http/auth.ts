import { createHash } from 'node:crypto';
import type Koa from 'koa';
import { HttpError } from './errors';
import { secretsMatch } from './secrets';

/** RFC 6750 §3: a 401 for a bearer-protected resource names the scheme. */
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="monitoring"' };

/** `Authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 9110 §11.1). */
function bearerToken(header: string): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(header)?.[1];
}

/**
 * Lets a request through only with the API token. Without API_TOKEN configured nothing
 * gets through: an open monitoring API would hand out customers' phone numbers.
 * Sets `ctx.state.caller`, a short hash of the token, for per-token limits.
 */
export function requireApiToken(apiToken: string | undefined): Koa.Middleware {
  return async (ctx, next) => {
    if (!apiToken) {
      throw new HttpError(
        401,
        'the monitoring API is disabled: set API_TOKEN (16+ characters) to enable it',
        undefined,
        CHALLENGE,
      );
    }
    const presented = bearerToken(ctx.get('authorization'));
    if (!secretsMatch(presented, apiToken)) {
      throw new HttpError(
        401,
        'missing or wrong token: send "Authorization: Bearer <API_TOKEN>"',
        undefined,
        CHALLENGE,
      );
    }
    ctx.state.caller = createHash('sha256').update(apiToken).digest('hex').slice(0, 16);
    await next();
  };
}
