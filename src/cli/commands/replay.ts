import fs from 'node:fs';
import { isGrpcServiceError } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { loadConfig } from '../../config';
import { connectClient } from '../../temporal/clients';
import { temporalTarget } from '../../temporal/connect';
import { dataConverter } from '../../temporal/data-converter';
import { operatorCodec } from '../../temporal/encryption';
import { workflowSource } from '../../temporal/worker';
import { CliError, UsageError, type Command } from '../command';
import { oneLine, parseCommandLine } from '../options';

type History = temporal.api.history.v1.IHistory;

/** gRPC's status code (grpc-js is not a direct dependency, so not its `status` enum). */
const GRPC_NOT_FOUND = 5;

const help = `Usage: pix-recovery replay <workflowId>
       pix-recovery replay --file <history.json>

Replays one workflow history against the current workflow code, the way a worker would
after a deploy: "replayed N events: OK", or the non-determinism error and exit code 1.

  <workflowId>          fetch the history from Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE),
                        e.g. recovery:tribopay:h6i8riryrk
  --file <history.json> a history exported with
                        temporal workflow show --workflow-id <id> --output json

The workflow code is dist/workflow-bundle.js when built, else the workflows/ folder.`;

export const replay: Command = {
  name: 'replay',
  summary: 'replay a workflow history against the current workflow code',
  help,
  async run(args, ctx) {
    const { values, positionals } = parseCommandLine('replay', {
      args,
      options: { file: { type: 'string' } },
      allowPositionals: true,
    });
    const workflowId = positionals[0];
    if (positionals.length > 1)
      throw new UsageError(`replay: one workflow id at a time, got ${positionals.length}`);
    if ((workflowId === undefined) === (values.file === undefined)) {
      throw new UsageError('replay: give either a workflow id or --file <history.json>');
    }
    const history =
      values.file === undefined
        ? await fetchHistory(workflowId, ctx.env)
        : readHistory(values.file);
    quietSdkLogs(ctx.verbose);
    await replayHistory(
      history,
      workflowId ?? startedWorkflowId(history),
      operatorCodec(loadConfig(ctx.env)),
    );
    ctx.out(`replayed ${history.events?.length ?? 0} events: OK`);
    return 0;
  },
};

async function fetchHistory(workflowId: string, env: NodeJS.ProcessEnv): Promise<History> {
  const config = loadConfig(env);
  const target = temporalTarget(config, env);
  const client = await connectClient(target, operatorCodec(config)).catch((err: Error) => {
    throw new CliError(`could not reach Temporal at ${target.address}: ${err.message}`);
  });
  try {
    return await client.workflow.getHandle(workflowId).fetchHistory();
  } catch (err) {
    if (!isNotFound(err)) throw err;
    throw new CliError(
      `no workflow "${workflowId}" in namespace "${target.namespace}" at ${target.address}`,
    );
  } finally {
    await client.connection.close();
  }
}

/** `fetchHistory` reports an unknown id as the raw gRPC status NOT_FOUND (5). */
function isNotFound(err: unknown): boolean {
  return (
    (err as Error).name === 'WorkflowNotFoundError' ||
    (isGrpcServiceError(err) && Number(err.code) === GRPC_NOT_FOUND)
  );
}

function readHistory(file: string): History {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const events = (json as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0) {
    throw new CliError(
      `${file} is not a workflow history: expected {"events": [...]}, as "temporal workflow show --output json" writes`,
    );
  }
  try {
    return historyFromJSON(json);
  } catch (err) {
    throw new CliError(`${file} is not a workflow history: ${(err as Error).message}`);
  }
}

/** The id the history itself names, so SDK messages mention the real workflow. */
function startedWorkflowId(history: History): string {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId || 'replay';
}

async function replayHistory(
  history: History,
  workflowId: string,
  codec: PayloadCodec,
): Promise<void> {
  try {
    await Worker.runReplayHistory(
      { ...workflowSource(), dataConverter: dataConverter(codec) },
      history,
      workflowId,
    );
  } catch (err) {
    if (err instanceof DeterminismViolationError)
      throw new CliError(`non-determinism: ${coreReason(err.message)}`);
    throw new CliError(`replay failed: ${oneLine((err as Error).message)}`);
  }
}

/**
 * The replay worker logs its start and stop, and its Rust core logs the failed activation
 * (WARN) before the error reaches us: noise beside a one-line verdict, kept for `--verbose`.
 */
function quietSdkLogs(verbose: boolean): void {
  const level = verbose ? 'INFO' : 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(level),
    telemetryOptions: { logging: { filter: { core: level, other: level }, forward: {} } },
  });
}

/**
 * The SDK wraps the core's verdict ("[TMPRL1100] Nondeterminism error: Activity type of
 * scheduled event 'x' does not match …") in a debug dump of the failure; keep the verdict.
 */
function coreReason(message: string): string {
  return /\[TMPRL\d+\][^"]*/.exec(message)?.[0] ?? oneLine(message);
}
