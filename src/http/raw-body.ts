import type Koa from 'koa';
import { HttpError } from './errors';

/** Gateway bodies are a few KiB; a megabyte is generous and bounds what one request costs. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the body as bytes, refusing (413) before buffering more than the limit. */
export async function readRawBody(ctx: Koa.Context, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || NaN);
  if (declared > limit) {
    throw new HttpError(413, `body larger than ${limit} bytes`, undefined, { Connection: 'close' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new HttpError(413, `body larger than ${limit} bytes`, undefined, {
        Connection: 'close',
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
