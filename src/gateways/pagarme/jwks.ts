import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { Logger } from '../../logging';
import type { GatewayKeyInstruments } from '../../metrics/gateway-keys';
import { rsaSigningKey } from './signature';

/** How long fetched keys are trusted before they are fetched again. */
export const JWKS_CACHE_MS = 60 * 60_000;
/** An unknown `kid` refetches (a key rotation), but at most this often. */
export const JWKS_REFETCH_MIN_MS = 60_000;
/** A webhook waits at most this long for the keys; Pagar.me resends what we could not check. */
export const JWKS_TIMEOUT_MS = 5_000;
/**
 * After a failed fetch, the remembered failure answers for this long instead of each
 * webhook fetching again: a flood while the URL is down costs one fetch.
 */
export const JWKS_FAILURE_BACKOFF_MS = 5_000;
/**
 * Held keys verify through failing refreshes for at most this long after the last fetch
 * that worked: a key Pagar.me withdrew is not trusted forever because its URL is down.
 */
export const JWKS_STALE_MAX_MS = 24 * 60 * 60_000;

export class JwksUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwksUnavailableError';
  }
}

export interface JwksCacheOptions {
  now?: () => number;
  /** Told of each failed refresh while older keys keep verifying. */
  logger?: Pick<Logger, 'warn'>;
  /** Counts each fetch, and reads the held keys' age at each scrape. */
  instruments?: GatewayKeyInstruments;
}

/**
 * Pagar.me's published signing keys, fetched from PAGARME_WEBHOOK_JWKS_URL and cached: one
 * fetch serves every webhook for an hour, and a `kid` we don't know yet refetches, no
 * more than once a minute, so a forged `kid` can't make us hammer the URL. Webhooks that
 * arrive together share one fetch, and a failed one is remembered for a few seconds.
 * When the hourly refresh fails, the keys already fetched keep verifying (a key Pagar.me
 * published stays its key until it rotates) and the refresh is tried again after the
 * back-off, for up to JWKS_STALE_MAX_MS after the last fetch that worked; a `kid` they don't
 * hold, or any `kid` after that, is unverifiable then (503, the webhook comes back).
 */
export function createJwksCache(url: string, options: JwksCacheOptions = {}) {
  const { now = Date.now, logger, instruments } = options;
  let keys = new Map<string, KeyObject>();
  let fetchedAt = -Infinity;
  let inFlight: Promise<void> | null = null;
  let failure: { at: number; error: JwksUnavailableError } | null = null;
  instruments?.watchAge('pagarme', () => (Number.isFinite(fetchedAt) ? now() - fetchedAt : null));

  async function refresh(): Promise<void> {
    if (failure && now() - failure.at < JWKS_FAILURE_BACKOFF_MS) throw failure.error;
    inFlight ??= fetchKeys(url)
      .then(
        (fresh) => {
          keys = fresh;
          fetchedAt = now();
          failure = null;
          instruments?.refreshed('pagarme', 'fetched');
        },
        (err: unknown) => {
          instruments?.refreshed('pagarme', 'failed');
          if (err instanceof JwksUnavailableError) {
            failure = { at: now(), error: err };
            if (keys.size > 0) warnStale(err);
          }
          throw err;
        },
      )
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  /** Once per failed fetch, not per webhook: at most every JWKS_FAILURE_BACKOFF_MS. */
  function warnStale(err: JwksUnavailableError): void {
    logger?.warn(
      {
        err: err.message,
        keysFetchedAt: new Date(fetchedAt).toISOString(),
        retryInMs: JWKS_FAILURE_BACKOFF_MS,
      },
      "Pagar.me's keys could not be refreshed; webhooks are verified with the keys fetched before",
    );
  }

  return {
    /**
     * The key `kid`, or null when the published set has no such key. Throws
     * JwksUnavailableError when the keys can't be fetched and none we hold is `kid`.
     */
    async key(kid: string): Promise<KeyObject | null> {
      const age = now() - fetchedAt;
      if (age > JWKS_CACHE_MS || (!keys.has(kid) && age > JWKS_REFETCH_MIN_MS)) {
        try {
          await refresh();
        } catch (err) {
          const usable = keys.has(kid) && now() - fetchedAt <= JWKS_STALE_MAX_MS;
          if (!(err instanceof JwksUnavailableError) || !usable) throw err;
        }
      }
      return keys.get(kid) ?? null;
    },
  };
}

async function fetchKeys(url: string): Promise<Map<string, KeyObject>> {
  let body: unknown;
  try {
    const res = await fetch(url, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
      redirect: 'error',
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new JwksUnavailableError(`Pagar.me's keys answered HTTP ${res.status}`);
    }
    body = await res.json();
  } catch (err) {
    if (err instanceof JwksUnavailableError) throw err;
    throw new JwksUnavailableError(`Pagar.me's keys could not be fetched: ${(err as Error).name}`);
  }
  const entries = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(entries)) throw new JwksUnavailableError("Pagar.me's keys are not a JWKS");
  const keys = new Map<string, KeyObject>();
  for (const jwk of entries as JsonWebKey[]) {
    const key = typeof jwk?.kid === 'string' ? rsaSigningKey(jwk) : null;
    if (key) keys.set(jwk.kid as string, key);
  }
  return keys;
}
