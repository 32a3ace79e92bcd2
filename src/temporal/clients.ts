import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalTarget } from './connect';
import { dataConverter } from './data-converter';

/**
 * A client connection that fails fast instead of hanging when the server is down. Every
 * client encodes and decodes through `codec`: histories hold ciphertext only.
 */
export async function connectClient(target: TemporalTarget, codec: PayloadCodec): Promise<Client> {
  const connection = await Connection.connect({
    ...target.options,
    address: target.address,
    connectTimeout: '5s',
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
