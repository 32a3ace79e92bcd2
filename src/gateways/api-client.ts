import { StatusCheckError } from '../source-of-truth/source';

/**
 * How long one call to a gateway's API may take. The status check runs inside the SMS
 * activity's 30-second attempt, and Asaas's enrichment makes three calls in one.
 */
export const GATEWAY_API_TIMEOUT_MS = 5_000;

export interface GatewayApiCall {
  /** The gateway's name for messages (`Mercado Pago API answered HTTP 500`). */
  name: string;
  /** The setting that holds the credential, named when the gateway refuses it. */
  credentialSetting: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * One GET to a gateway's API, its JSON answer or a StatusCheckError saying why there was
 * none. Messages never carry the URL or the headers: they may hold the credential. A
 * redirect is not followed, since it would carry the credential wherever it points.
 */
export async function getGatewayJson(url: URL, call: GatewayApiCall): Promise<unknown> {
  try {
    const res = await fetch(url, {
      headers: { Accept: 'application/json', ...call.headers },
      signal: AbortSignal.timeout(call.timeoutMs),
      redirect: 'manual',
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw refusal(call, res.status);
    }
    return parseJson(call, await res.text());
  } catch (err) {
    throw asCheckError(call, err);
  }
}

/**
 * A path segment for an id, or `invalid_id`: URL parsers resolve `.` and `..` segments
 * (`%2e` too, WHATWG URL), so such an id would ask about some other resource.
 */
export function idSegment(id: string): string {
  if (/^(\.|%2e){1,2}$/i.test(id) || id === '')
    throw new StatusCheckError('invalid_id', 'the payment id cannot be asked about by URL');
  return encodeURIComponent(id);
}

function parseJson(call: GatewayApiCall, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StatusCheckError('bad_response', `${call.name} answer is not JSON`);
  }
}

function refusal(call: GatewayApiCall, httpStatus: number): StatusCheckError {
  const message = `${call.name} answered HTTP ${httpStatus}`;
  if (httpStatus === 401 || httpStatus === 403)
    return new StatusCheckError('unauthorized', `${message}: check ${call.credentialSetting}`);
  if (httpStatus === 404) return new StatusCheckError('not_found', message);
  return new StatusCheckError('http_error', message);
}

/** Read by shape, not `instanceof`: fetch's errors may come from another realm (jest's VM). */
function asCheckError(call: GatewayApiCall, err: unknown): StatusCheckError {
  if (err instanceof StatusCheckError) return err;
  const { name, cause } = (err ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError')
    return new StatusCheckError(
      'timeout',
      `${call.name} gave no answer within ${call.timeoutMs} ms`,
    );
  const code = typeof cause?.code === 'string' ? cause.code : 'network error';
  return new StatusCheckError('unreachable', `${call.name} unreachable: ${code}`);
}
