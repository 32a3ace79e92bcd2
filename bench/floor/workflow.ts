/**
 * The floor's workflow: the least a recovery can ask of Temporal. It waits on one timer
 * until its due instant, sends one SMS through one activity, and completes. No local
 * activities, no queries, no payload codec: what is left is the dev server's and the
 * SDK's own cost of a timer, an activity and two workflow tasks.
 */
import { proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type * as activities from './activities';
import { floorSignal, type FloorInput } from './definitions';

const { sendSms } = proxyActivities<ReturnType<typeof activities.createFloorActivities>>({
  startToCloseTimeout: '30s',
});

export async function floorRecovery(input: FloorInput): Promise<void> {
  setHandler(floorSignal, () => undefined);
  await sleep(Math.max(0, input.dueAt - Date.now()));
  await sendSms(input.to);
}
