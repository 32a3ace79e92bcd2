/**
 * The relay in cancel-race-relay.ts against the time-skipping server, driven by hand at
 * the gRPC level so the race is not left to chance: a workflow task starts, the activity
 * it will cancel completes, then the task's completion cancels that activity.
 */
import { randomUUID } from 'node:crypto';
import { Connection, type Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { startCancelRaceRelay, type CancelRaceRelay } from './cancel-race-relay';
import { createTimeSkippingEnv } from './temporal';

const { CommandType, EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
type Service = Client['workflowService'];

let env: TestWorkflowEnvironment;
let relay: CancelRaceRelay;
let relayed: Connection;
let run = 0;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  relay = await startCancelRaceRelay({ target: env.address, client: env.client, namespace });
  relayed = await Connection.connect({ address: relay.address });
}, 60_000);

afterAll(async () => {
  await relayed?.close();
  await relay?.close();
  await env?.teardown();
});

const namespace = 'default';
const identity = 'cancel-race-test';

/**
 * A run whose activity is scheduled and started, then signalled: its second workflow task
 * is started (polled through `service`) and, with `activityClosed`, the activity completes
 * while that task runs. `cancel` completes the task with a cancel of the activity.
 */
async function cancelDuringTask(service: Service, { activityClosed }: { activityClosed: boolean }) {
  run += 1;
  const taskQueue = { name: `cancel-race-${run}` };
  const workflowId = `cancel-race-${run}`;
  const direct = env.client.workflowService;
  const { runId } = await direct.startWorkflowExecution({
    namespace,
    workflowId,
    workflowType: { name: 'handDriven' },
    taskQueue,
    requestId: randomUUID(),
    identity,
  });
  const execution = { workflowId, runId };
  const first = await service.pollWorkflowTaskQueue({ namespace, taskQueue, identity });
  await service.respondWorkflowTaskCompleted({
    namespace,
    identity,
    taskToken: first.taskToken,
    commands: [
      {
        commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
        scheduleActivityTaskCommandAttributes: {
          activityId: '1',
          activityType: { name: 'send' },
          taskQueue,
          startToCloseTimeout: msToTs('30s'),
        },
      },
    ],
  });
  const activity = await direct.pollActivityTaskQueue({ namespace, taskQueue, identity });
  await direct.signalWorkflowExecution({
    namespace,
    workflowExecution: execution,
    signalName: 'paid',
    identity,
    requestId: randomUUID(),
  });
  const second = await service.pollWorkflowTaskQueue({ namespace, taskQueue, identity });
  if (activityClosed)
    await direct.respondActivityTaskCompleted({
      namespace,
      identity,
      taskToken: activity.taskToken,
    });
  const scheduled = (await events(execution)).find(
    (e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  )!;
  const cancel = () =>
    service.respondWorkflowTaskCompleted({
      namespace,
      identity,
      taskToken: second.taskToken,
      commands: [
        {
          commandType: CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK,
          requestCancelActivityTaskCommandAttributes: { scheduledEventId: scheduled.eventId },
        },
      ],
    });
  return { execution, taskQueue, cancel };
}

async function events(execution: { workflowId: string; runId: string }) {
  const { history } = await env.client.workflowService.getWorkflowExecutionHistory({
    namespace,
    execution,
  });
  return history?.events ?? [];
}

test('the time-skipping server itself refuses the cancel and leaves the task started, neither completed nor failed', async () => {
  const { execution, cancel } = await cancelDuringTask(env.client.workflowService, {
    activityClosed: true,
  });

  await expect(cancel()).rejects.toThrow(/ACTIVITY_UNKNOWN/);
  const last = (await events(execution)).at(-1);
  expect(last?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
});

test('through the relay the task fails instead, and the next task carries the activity result', async () => {
  const service = relayed.workflowService;
  const { execution, taskQueue, cancel } = await cancelDuringTask(service, {
    activityClosed: true,
  });

  await expect(cancel()).rejects.toMatchObject({ code: 5 }); // NOT_FOUND: the worker replays
  const next = await service.pollWorkflowTaskQueue({ namespace, taskQueue, identity });
  const types = (next.history?.events ?? []).map((e) => e.eventType);
  expect(types).toEqual(
    expect.arrayContaining([
      EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    ]),
  );
  const failed = (await events(execution)).find((e) => e.workflowTaskFailedEventAttributes);
  expect(failed?.workflowTaskFailedEventAttributes?.cause).toBe(
    WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
  );
  await service.respondWorkflowTaskCompleted({
    namespace,
    identity,
    taskToken: next.taskToken,
    commands: [
      {
        commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
        completeWorkflowExecutionCommandAttributes: {},
      },
    ],
  });
  expect((await events(execution)).at(-1)?.eventType).toBe(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  );
  expect(relay.refusedCancels).toBe(1);
});

test('a cancel of an activity still open passes through', async () => {
  const { execution, cancel } = await cancelDuringTask(relayed.workflowService, {
    activityClosed: false,
  });

  await cancel();
  const types = (await events(execution)).map((e) => e.eventType);
  expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
  expect(types).not.toContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
});
