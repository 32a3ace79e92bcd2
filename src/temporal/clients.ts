import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalTarget } from './connect';
import { dataConverter } from './data-converter';

/**
 * grpc-js waits 1 s after a failed connect, then 1.6 times longer after each further one, up
 * to 120 s, and fails every call meanwhile: after a minute's outage the client could go on
 * refusing for tens of seconds once the server is back, while the outbox fills. Retrying
 * every second at most costs one refused connect a second while Temporal is down.
 */
const MAX_RECONNECT_BACKOFF_MS = 1_000;

/**
 * A client connection that fails fast instead of hanging when the server is down, and tries
 * again every second once it is. Every client encodes and decodes through `codec`: histories
 * hold ciphertext only.
 */
export async function connectClient(target: TemporalTarget, codec: PayloadCodec): Promise<Client> {
  const connection = await Connection.connect({
    ...target.options,
    address: target.address,
    connectTimeout: '5s',
    channelArgs: { 'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS },
  });
  return new Client({
    connection,
    namespace: target.namespace,
    dataConverter: dataConverter(codec),
  });
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ ...target.options, address: target.address });
}
