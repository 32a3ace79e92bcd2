import fs from 'node:fs';
import net from 'node:net';

/**
 * A loopback port nothing listens on, for the bench's and the tests' servers.
 *
 * A port the kernel hands out for `listen(0)` comes from its ephemeral range, the same range
 * it takes the local ports of outgoing connections and of other processes' `listen(0)` from:
 * between our check and our server's bind, a database connection or a Temporal dev server's
 * internal listener can take it (a CI run lost a stack to EADDRINUSE that way). So ports are
 * picked below that range, where the kernel never allocates on its own, and only at multiples
 * of ten, so a server that also binds the next few ports up does not meet another of ours.
 * Each process picks from its own share of those slots (by jest worker, else by pid) and
 * does not hand the same port out twice within ten minutes. Where the ephemeral range starts too low to leave
 * room, the kernel's pick is used, as before.
 */
export async function freePort(): Promise<number> {
  const share = ownShare();
  if (share) {
    const now = Date.now();
    const first = Math.floor(Math.random() * share.slots);
    for (let i = 0; i < share.slots; i += 1) {
      const port = LOWEST + (((first + i) % share.slots) * SHARES + share.index) * STRIDE;
      if ((handedOut.get(port) ?? -Infinity) > now - REUSE_AFTER_MS) continue;
      if (!(await bindable(port))) continue;
      handedOut.set(port, now);
      return port;
    }
  }
  return kernelPort();
}

const LOWEST = 20_000;
const STRIDE = 10;
const SHARES = 4;
/** A port handed out is not handed out again by this process for this long. */
const REUSE_AFTER_MS = 10 * 60_000;
const handedOut = new Map<number, number>();

function ownShare(): { index: number; slots: number } | undefined {
  const slots = Math.floor((ephemeralLow() - STRIDE - LOWEST) / STRIDE / SHARES);
  if (slots < 100) return undefined;
  const worker = Number(process.env.JEST_WORKER_ID);
  return { index: (Number.isInteger(worker) ? worker : process.pid) % SHARES, slots };
}

function ephemeralLow(): number {
  try {
    const [low] = fs
      .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const value = Number(low);
    return Number.isInteger(value) && value > 0 ? value : 0;
  } catch {
    return 0; // not Linux: the kernel picks
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
