/**
 * A gRPC relay between a client and Temporal that can stall one kind of call (the
 * Temporal brown-out a hand-off must survive) or change what one call hears, and passes
 * everything else through unchanged. The relay plumbing is the cancel-race relay's.
 */
import http2, { type ClientHttp2Session } from 'node:http2';
import { forward, listenRelay, type Call, type Reply } from './cancel-race-relay';

const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService/';

/** What the relay does with the next call of one method: the answer it gives the client. */
export type Handler = (send: () => Promise<Reply>) => Promise<Reply>;

export interface StallingRelay {
  /** host:port for the client's Connection. */
  address: string;
  /** Handles the next call of `method` (e.g. 'DescribeWorkflowExecution') with `handler`, once. */
  once(method: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startStallingRelay(target: string): Promise<StallingRelay> {
  const upstream: ClientHttp2Session = http2.connect(`http://${target}`);
  upstream.on('error', () => undefined); // each call reports its own failure
  const handlers = new Map<string, Handler[]>();

  const relay: Call = (path, headers, body, gone) => {
    const send = () => forward(upstream, path, headers, body, gone);
    const handler = handlers.get(path)?.shift();
    return handler ? handler(send) : send();
  };

  const listening = await listenRelay(upstream, relay);
  return {
    ...listening,
    once(method, handler) {
      const path = `${SERVICE}${method}`;
      handlers.set(path, [...(handlers.get(path) ?? []), handler]);
    },
  };
}
