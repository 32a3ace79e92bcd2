import { CliError } from './command';

export interface HttpAnswer {
  status: number;
  statusText: string;
  /** The parsed JSON, or the text when the answer isn't JSON. */
  body: unknown;
}

const TIMEOUT_MS = 10_000;

/** `path` under the API's base URL, keeping any path prefix the base has. */
export function apiUrl(base: string, path: string): string {
  return new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`).toString();
}

/** One request to the running API; an unreachable server is a one-line CliError. */
export async function request(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new CliError(`could not reach ${url}: ${networkReason(err)}`);
  }
  const text = await res.text();
  return { status: res.status, statusText: res.statusText, body: parseJson(text) };
}

/** fetch hides the useful part (ECONNREFUSED…) in `cause`. */
function networkReason(err: unknown): string {
  if ((err as Error).name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is the API running?)';
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The API's error shape is `{"error":{"message"}}`; anything else is shown by status alone. */
export function apiErrorMessage(answer: HttpAnswer): string {
  const message = (answer.body as { error?: { message?: unknown } } | null)?.error?.message;
  return `the API answered ${answer.status}${typeof message === 'string' ? `: ${message}` : ''}`;
}
