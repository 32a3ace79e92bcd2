import { z } from 'zod';
import type { TribopayApiConfig } from '../../config';
import { toStatus } from '../vocabulary';
import {
  StatusCheckError,
  type PaymentStatusSource,
  type ReportedStatus,
} from '../../source-of-truth/source';

/**
 * Where one transaction is read, under TRIBOPAY_API_URL. An assumption: TriboPay publishes
 * no reference for a status endpoint, and integrations in the wild read
 * `GET /transactions/{id}?api_token=…`. If TriboPay's answer differs, change it here only.
 */
export const TRIBOPAY_TRANSACTION_PATH = '/transactions/{id}';

/** TriboPay's public API takes its token as this query parameter, on every call we know of. */
export const TRIBOPAY_TOKEN_PARAM = 'api_token';

/** A status where a status belongs, or nothing (a wrapper's `status: true` is not one). */
const statusText = z.string().trim().min(1).optional().catch(undefined);
const statusFields = z.looseObject({ status: statusText, payment_status: statusText });

/**
 * The status as the webhooks spell it, in the answer itself or in a `data` wrapper;
 * `payment_status` is the flat shape's name (docs/gateways.md).
 */
const answerSchema = statusFields.extend({ data: statusFields.optional().catch(undefined) });

/**
 * The transaction's URL, or an `invalid_id` error. URL parsers resolve `.` and `..` path
 * segments (escaped as `%2e` too, WHATWG URL), so an id like `..` would ask about some
 * other resource of the API; such an id is refused rather than sent.
 */
export function transactionUrl(baseUrl: string, paymentId: string): URL {
  const path = TRIBOPAY_TRANSACTION_PATH.replace('{id}', encodeURIComponent(paymentId));
  const base = baseUrl.replace(/\/+$/, '');
  const url = new URL(`${base}${path}`);
  if (
    /^\.{1,2}$/.test(paymentId) ||
    url.pathname !== `${new URL(base).pathname.replace(/\/+$/, '')}${path}`
  ) {
    throw new StatusCheckError('invalid_id', 'the payment id cannot be asked about by URL');
  }
  return url;
}

export function createTribopayStatusSource(api: TribopayApiConfig): PaymentStatusSource {
  return {
    async currentStatus(paymentId) {
      const url = transactionUrl(api.url, paymentId);
      url.searchParams.set(TRIBOPAY_TOKEN_PARAM, api.token);
      const signal = AbortSignal.timeout(api.timeoutMs);
      try {
        // A redirect is not followed: it would carry api_token, in the query, to wherever
        // it points. A 3xx is an http_error like any other non-2xx answer.
        const res = await fetch(url, {
          headers: { Accept: 'application/json' },
          signal,
          redirect: 'manual',
        });
        return await readAnswer(res);
      } catch (err) {
        throw asCheckError(err, api.timeoutMs);
      }
    },
  };
}

async function readAnswer(res: Response): Promise<ReportedStatus> {
  if (!res.ok) {
    await res.body?.cancel();
    throw refusal(res.status);
  }
  const parsed = answerSchema.safeParse(parseJson(await res.text()));
  const body = parsed.success ? parsed.data : undefined;
  const rawStatus =
    body?.data?.status ?? body?.data?.payment_status ?? body?.status ?? body?.payment_status;
  if (!rawStatus) throw new StatusCheckError('bad_response', 'TriboPay API answer has no status');
  return { status: toStatus(rawStatus), rawStatus };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StatusCheckError('bad_response', 'TriboPay API answer is not JSON');
  }
}

function refusal(httpStatus: number): StatusCheckError {
  const message = `TriboPay API answered HTTP ${httpStatus}`;
  if (httpStatus === 401 || httpStatus === 403)
    return new StatusCheckError('unauthorized', `${message}: check TRIBOPAY_API_TOKEN`);
  if (httpStatus === 404) return new StatusCheckError('not_found', message);
  return new StatusCheckError('http_error', message);
}

/**
 * Network errors name their code (ECONNREFUSED…), never the URL with the token in it.
 * Read by shape, not `instanceof`: fetch's errors may come from another realm (jest's VM).
 */
function asCheckError(err: unknown, timeoutMs: number): StatusCheckError {
  if (err instanceof StatusCheckError) return err;
  const { name, cause } = (err ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError')
    return new StatusCheckError('timeout', `TriboPay API gave no answer within ${timeoutMs} ms`);
  const code = typeof cause?.code === 'string' ? cause.code : 'network error';
  return new StatusCheckError('unreachable', `TriboPay API unreachable: ${code}`);
}
