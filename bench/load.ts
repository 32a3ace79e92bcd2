import http from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './stats';

export interface LoadResult {
  /** Requests answered with `expectStatus`, per second of the run. */
  acceptedPerSecond: number;
  accepted: number;
  /** Everything else: other status codes, connection errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
  /** Of every answered request, ms. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  durationSeconds: number;
}

export interface Hammer {
  url: string;
  connections: number;
  durationSeconds: number;
  headers: Record<string, string>;
  /** A new body for every request: distinct payments, as gateways send them. */
  nextBody: () => string;
  expectStatus: number;
}

/**
 * autocannon at a fixed number of connections (each with one request in flight) for a
 * fixed time. Latencies are recorded here at full precision (autocannon's own histogram
 * keeps whole milliseconds, too coarse for the HTTP ceiling).
 */
export async function hammer(spec: Hammer): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    timeout: 10,
    method: 'POST',
    headers: spec.headers,
    requests: [{ setupRequest: (request) => ({ ...request, body: spec.nextBody() }) }],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statusCodes[status] = (statusCodes[status] ?? 0) + 1;
  });
  const result = await instance;
  const accepted = statusCodes[spec.expectStatus] ?? 0;
  const answered = latencies.length;
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    acceptedPerSecond: accepted / seconds,
    accepted,
    errors: answered - accepted + result.errors + result.timeouts,
    statusCodes,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    latencyMaxMs: latencies.reduce((a, b) => Math.max(a, b), 0),
    durationSeconds: seconds,
  };
}

export interface Posted {
  status: number;
  body: string;
  /** When the answer arrived (epoch ms). */
  answeredAt: number;
  ms: number;
}

/**
 * POSTs every body once, `concurrency` at a time over keep-alive connections, and keeps
 * each answer: the timer bench needs to know when each webhook was acknowledged.
 */
export async function postAll(
  url: string,
  bodies: string[],
  concurrency: number,
  headers: Record<string, string>,
  /** At most this many requests started per second; unset: as fast as answers come. */
  ratePerSecond?: number,
): Promise<Posted[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const results: Posted[] = new Array<Posted>(bodies.length);
  const began = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < bodies.length) {
      const index = next++;
      if (ratePerSecond) {
        const slot = began + (index / ratePerSecond) * 1000;
        if (slot > Date.now())
          await new Promise((resolve) => setTimeout(resolve, slot - Date.now()));
      }
      results[index] = await postOne(url, bodies[index], headers, agent);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    agent.destroy();
  }
  return results;
}

function postOne(
  url: string,
  body: string,
  headers: Record<string, string>,
  agent: http.Agent,
): Promise<Posted> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            answeredAt: Date.now(),
            ms: performance.now() - started,
          }),
        );
      },
    );
    const fail = (err: Error) =>
      resolve({ status: 0, body: err.message, answeredAt: Date.now(), ms: NaN });
    req.on('error', fail);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/**
 * Calls `send` every 1/rate s without waiting for earlier calls to finish (a gateway
 * doesn't wait for our answers), until `running()` says stop; resolves with every result.
 */
export async function steadily<T>(
  rate: number,
  running: () => boolean,
  send: () => Promise<T>,
): Promise<T[]> {
  const pending: Promise<T>[] = [];
  const began = Date.now();
  for (let n = 0; running(); n += 1) {
    pending.push(send());
    const due = began + ((n + 1) * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
  }
  return Promise.all(pending);
}
