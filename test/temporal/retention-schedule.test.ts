import { Client, Connection } from '@temporalio/client';
import { ensureRetentionSchedule } from '../../src/temporal/retention-schedule';
import { RETENTION_SCHEDULE_ID, type RetentionInput } from '../../workflows/retention';
import { startTestDevServer, testDataConverter } from '../helpers/temporal';

const DAY = 86_400_000;
let server: Awaited<ReturnType<typeof startTestDevServer>>;
let client: Client;

beforeAll(async () => {
  server = await startTestDevServer();
  const connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, dataConverter: testDataConverter });
}, 60_000);

afterAll(async () => {
  await client?.connection.close();
  await server?.stop();
});

test('the retention schedule is created once, daily, and a later start updates its settings', async () => {
  const settings = { taskQueue: 'retention-schedule', retentionMs: 180 * DAY, claimWindowMs: DAY };

  expect(await ensureRetentionSchedule(client, settings)).toBe('created');
  expect(await ensureRetentionSchedule(client, { ...settings, retentionMs: 90 * DAY })).toBe(
    'updated',
  );

  const described = await client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
  expect(described.spec.calendars).toEqual([
    expect.objectContaining({ hour: [{ start: 4, end: 4, step: 1 }] }),
  ]);
  const action = described.action as { workflowType: string; args: RetentionInput[] };
  expect(action.workflowType).toBe('dataRetention');
  expect(action.args[0]).toMatchObject({ retentionMs: 90 * DAY, claimWindowMs: DAY });
}, 30_000);
