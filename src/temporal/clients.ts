import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalTarget } from './connect';

/** A client connection that fails fast instead of hanging when the server is down. */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect({
    ...target.options,
    address: target.address,
    connectTimeout: '5s',
  });
  return new Client({ connection, namespace: target.namespace });
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ ...target.options, address: target.address });
}
