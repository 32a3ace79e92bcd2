/**
 * The HTTP ceiling: a Koa handler that reads the body, parses the JSON and answers 202,
 * nothing else (no routing, logging, database or Temporal). Run by the bench as its own
 * process on BENCH_PORT.
 */
import http from 'node:http';
import Koa from 'koa';

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  ctx.status = 202;
  ctx.body = { outcome: typeof body === 'object' ? 'accepted' : 'ignored' };
});

const handle = app.callback();
const server = http.createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  console.log(`koa ceiling listening on ${JSON.stringify(server.address())}`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
