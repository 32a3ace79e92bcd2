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
  try {
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        throw new HttpError(413, `body larger than ${limit} bytes`, undefined, {
          Connection: 'close',
        });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof HttpError || !ctx.req.destroyed) throw err;
    // The client hung up (or the server's request timeout cut it off) mid-upload.
    throw new ClientClosedError();
  }
  return Buffer.concat(chunks);
}

/**
 * 499, nginx's "client closed request": nobody is left to read the answer, and it is not
 * our failure, so it is logged at debug level and never counted as a 5xx.
 */
export class ClientClosedError extends HttpError {
  constructor() {
    super(499, 'the client closed the connection before its request arrived');
    this.name = 'ClientClosedError';
  }
}
