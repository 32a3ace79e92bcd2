/**
 * The API's Temporal client after an outage. grpc-js waits 1.6 times longer after each failed
 * connect (up to 120 s) and fails every call meanwhile, so a client that saw a minute's outage
 * could go on refusing for tens of seconds after the server came back, with the outbox filling.
 * Here the server sits behind a TCP proxy that refuses connections for a while: the refused
 * connects are counted, which says how often the client tried.
 */
import net from 'node:net';
import type { Client } from '@temporalio/client';
import { connectClient } from '../../src/temporal/clients';
import { eventually } from '../helpers/processes';
import { startTestDevServer, testCodec } from '../helpers/temporal';

const DOWN_MS = 12_000;

let server: Awaited<ReturnType<typeof startTestDevServer>>;
let proxy: net.Server;
let client: Client;
let down = false;
let refused = 0;
const piped = new Set<net.Socket>();

beforeAll(async () => {
  server = await startTestDevServer();
  const [host, port] = server.address.split(':');
  proxy = net.createServer((socket) => {
    if (down) {
      refused += 1;
      socket.destroy();
      return;
    }
    const upstream = net.connect(Number(port), host);
    const close = () => {
      socket.destroy();
      upstream.destroy();
      piped.delete(socket);
      piped.delete(upstream);
    };
    for (const end of [socket, upstream]) {
      piped.add(end);
      end.on('error', close);
      end.on('close', close);
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = proxy.address() as net.AddressInfo;
  client = await connectClient(
    { address: `127.0.0.1:${proxyPort}`, namespace: 'default', options: {} },
    testCodec,
  );
}, 60_000);

afterAll(async () => {
  await client?.connection.close();
  for (const socket of piped) socket.destroy();
  await new Promise((resolve) => proxy?.close(resolve));
  await server?.stop();
});

const answers = (timeoutMs: number) =>
  client
    .withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}))
    .then(
      () => true,
      () => false,
    );

test('while Temporal is unreachable the client tries to connect about every second, and answers again as soon as it is back', async () => {
  expect(await answers(5_000)).toBe(true);
  down = true;
  for (const socket of piped) socket.destroy();
  // Calls keep coming, as the relay's do: each failing fast while the channel waits to retry.
  const until = Date.now() + DOWN_MS;
  while (Date.now() < until) {
    await answers(500);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // grpc-js's own backoff would have tried at about 0, 1, 2.6, 5.2 and 9.3 s: 5 connects.
  expect(refused).toBeGreaterThanOrEqual(8);
  down = false;
  await eventually(() => answers(1_000), 5_000, 'an answer once Temporal is reachable again');
}, 60_000);
