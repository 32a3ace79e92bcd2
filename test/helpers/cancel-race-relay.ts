/**
 * A gRPC relay between a worker and Temporal's time-skipping test server that gives the
 * real server's answer where the test server wedges.
 *
 * A workflow task may cancel an activity that finished while the task ran: a paid status
 * arrives while Twilio answers the SMS activity. The real server records the cancel request
 * and takes no action (the activity is closed). The time-skipping server refuses the whole
 * completion with FAILED_PRECONDITION "ACTIVITY_UNKNOWN", after its in-memory task state has
 * already moved on: the history ends at WorkflowTaskStarted (a later signal is written after
 * it, a history the SDK's replayer rejects as invalid), the activity's result stays buffered,
 * every later task of the run is refused the same way, and time skipping stays locked, so
 * the next `env.sleep` of minutes waits in real time (temporalio/sdk-java#2391,
 * temporalio/sdk-typescript#1058; the same shape for timers is sdk-java#3088).
 *
 * The relay passes every call through unchanged except: activity results and workflow task
 * completions that cancel activities are sent one at a time, and a completion that would
 * cancel an activity the server no longer holds is turned into a failed workflow task (the
 * buffered result enters the history and the next task carries it), while the worker hears
 * NOT_FOUND and replays from the history, as after a workflow task timeout.
 */
import http2, { type ClientHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService/';
const POLL_WORKFLOW_TASK = `${SERVICE}PollWorkflowTaskQueue`;
const COMPLETE_WORKFLOW_TASK = `${SERVICE}RespondWorkflowTaskCompleted`;
const ACTIVITY_RESULTS = ['Completed', 'Failed', 'Canceled'].flatMap((outcome) => [
  `${SERVICE}RespondActivityTask${outcome}`,
  `${SERVICE}RespondActivityTask${outcome}ById`,
]);
const api = temporal.api.workflowservice.v1;
const GRPC_NOT_FOUND = '5';
const GRPC_UNAVAILABLE = '14';

type Execution = { workflowId: string; runId: string };
export type Headers = http2.IncomingHttpHeaders | http2.OutgoingHttpHeaders;

export interface CancelRaceRelay {
  /** host:port for the worker's NativeConnection. */
  address: string;
  /** Completions turned into failed workflow tasks so far. */
  readonly refusedCancels: number;
  close(): Promise<void>;
}

export async function startCancelRaceRelay(options: {
  /** The test server's host:port. */
  target: string;
  /** A client of the same server, for the relay's own questions (describe, history). */
  client: Client;
  namespace: string;
}): Promise<CancelRaceRelay> {
  const upstream = http2.connect(`http://${options.target}`);
  upstream.on('error', () => undefined); // each call reports its own failure
  const executions = new Map<string, Execution>(); // workflow task token → its run
  let turn: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const result = turn.then(work);
    turn = result.catch(() => undefined);
    return result;
  };
  let refusedCancels = 0;

  const relay: Call = async (path, headers, body, gone) => {
    const send = () => forward(upstream, path, headers, body, gone);
    if (ACTIVITY_RESULTS.includes(path)) return oneAtATime(send);
    if (path === POLL_WORKFLOW_TASK) return noteTasks(await send());
    if (path !== COMPLETE_WORKFLOW_TASK) return send();
    const completion = api.RespondWorkflowTaskCompletedRequest.decode(message(body, headers));
    const cancels = completion.commands
      .map((c) => c.requestCancelActivityTaskCommandAttributes?.scheduledEventId)
      .filter((id): id is NonNullable<typeof id> => id != null)
      .map(Number);
    const execution = executions.get(tokenKey(completion.taskToken));
    if (!cancels.length || !execution) return noteTasks(await send());
    return oneAtATime(async () => {
      if (await allOpen(execution, cancels)) return noteTasks(await send());
      refusedCancels += 1;
      await options.client.workflowService.respondWorkflowTaskFailed({
        namespace: options.namespace,
        taskToken: completion.taskToken,
        identity: completion.identity,
        cause:
          temporal.api.enums.v1.WorkflowTaskFailedCause
            .WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
        failure: { message: 'cancels an activity that closed while the workflow task ran' },
      });
      return grpcError(GRPC_NOT_FOUND, 'workflow task failed: it cancels a closed activity');
    });
  };

  /** Remembers which run each workflow task token belongs to (polls and eager tasks). */
  function noteTasks(reply: Reply): Reply {
    if (reply.headers['grpc-status'] !== undefined || !reply.body.length) return reply;
    const decode = (bytes: Uint8Array) =>
      reply.path === POLL_WORKFLOW_TASK
        ? api.PollWorkflowTaskQueueResponse.decode(bytes)
        : api.RespondWorkflowTaskCompletedResponse.decode(bytes).workflowTask;
    const task = decode(message(reply.body, reply.headers));
    const { workflowId, runId } = task?.workflowExecution ?? {};
    if (task?.taskToken?.length && workflowId && runId)
      executions.set(tokenKey(task.taskToken), { workflowId, runId });
    return reply;
  }

  /** Whether every activity these scheduled-event ids name is still open on the server. */
  async function allOpen(execution: Execution, scheduledEventIds: number[]): Promise<boolean> {
    const { namespace } = options;
    const service = options.client.workflowService;
    const [described, history] = await Promise.all([
      service.describeWorkflowExecution({ namespace, execution }),
      service.getWorkflowExecutionHistory({ namespace, execution }),
    ]);
    const open = new Set(described.pendingActivities?.map((a) => a.activityId));
    return scheduledEventIds.every((id) => {
      const scheduled = history.history?.events?.find((e) => Number(e.eventId) === id);
      const activityId = scheduled?.activityTaskScheduledEventAttributes?.activityId;
      return activityId != null && open.has(activityId);
    });
  }

  const listening = await listenRelay(upstream, relay);
  return {
    ...listening,
    get refusedCancels() {
      return refusedCancels;
    },
  };
}

/**
 * Serves `relay` on a loopback port: the address for a client's Connection, and a close
 * that ends the client's sessions and the relay's own connection `upstream`.
 */
export async function listenRelay(
  upstream: ClientHttp2Session,
  relay: Call,
): Promise<{ address: string; close(): Promise<void> }> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => serve(stream, headers, relay));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.destroy();
      await closed;
      upstream.destroy();
    },
  };
}

export interface Reply {
  path: string;
  headers: Headers;
  body: Buffer;
  trailers: Headers;
}
/** `gone` aborts when the worker gives up on the call (a poll cancelled at shutdown). */
export type Call = (
  path: string,
  headers: Headers,
  body: Buffer,
  gone: AbortSignal,
) => Promise<Reply>;

/** Reads one whole call from the worker, lets `relay` answer it, writes the answer back. */
export function serve(stream: ServerHttp2Stream, headers: Headers, relay: Call): void {
  const chunks: Buffer[] = [];
  const gone = new AbortController();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('error', () => undefined);
  stream.on('close', () => gone.abort());
  stream.on('end', () => {
    const path = String(headers[':path']);
    void relay(path, headers, Buffer.concat(chunks), gone.signal)
      .catch((err: Error) => grpcError(GRPC_UNAVAILABLE, `relay: ${err.message}`))
      .then((reply) => {
        if (stream.destroyed) return;
        const trailersOnly = !reply.body.length && reply.headers['grpc-status'] !== undefined;
        if (trailersOnly) return void stream.respond(reply.headers, { endStream: true });
        stream.respond(reply.headers, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers(reply.trailers));
        stream.end(reply.body);
      });
  });
}

/** One unary call to the server with the worker's own headers (deadline, metadata). */
export function forward(
  session: ClientHttp2Session,
  path: string,
  headers: Headers,
  body: Buffer,
  gone: AbortSignal,
) {
  return new Promise<Reply>((resolve, reject) => {
    const request = session.request(
      { ...withoutPseudo(headers), ':method': 'POST', ':path': path },
      { signal: gone },
    );
    const chunks: Buffer[] = [];
    let replyHeaders: Headers = {};
    let trailers: Headers = {};
    request.on('response', (h) => (replyHeaders = { ...withoutPseudo(h), ':status': 200 }));
    request.on('trailers', (t) => (trailers = withoutPseudo(t)));
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () =>
      resolve({ path, headers: replyHeaders, body: Buffer.concat(chunks), trailers }),
    );
    request.on('error', reject);
    request.end(body);
  });
}

export function grpcError(status: string, text: string): Reply {
  const headers = {
    ':status': 200,
    'content-type': 'application/grpc',
    'grpc-status': status,
    'grpc-message': encodeURIComponent(text),
  };
  return { path: '', headers, body: Buffer.alloc(0), trailers: {} };
}

/** The protobuf of a gRPC message: a compression flag and a 4-byte length come first. */
function message(frame: Buffer, headers: Headers): Uint8Array {
  const bytes = frame.subarray(5, 5 + frame.readUInt32BE(1));
  if (frame[0] === 0) return bytes;
  if (headers['grpc-encoding'] === 'gzip') return gunzipSync(bytes); // the worker's default
  throw new Error(`gRPC messages encoded ${String(headers['grpc-encoding'])} are not relayed`);
}

const tokenKey = (token: Uint8Array) => Buffer.from(token).toString('base64');

function withoutPseudo(headers: Headers): Headers {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(':')));
}
