/**
 * A worker for the floor's workflow (bench/floor/): the SDK's default options but for the
 * cache when FLOOR_CACHED_WORKFLOWS is set, V8's default heap (the SDK sizes its default
 * cache from it), and the official `twilio` client pointed at the bench's emulator. Prints
 * the cache it runs with, so the bench reports the figure the SDK chose. SIGTERM stops it
 * (the SDK's runtime shuts the worker down on it).
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createTwilioClient } from '../../src/sms/twilio-client';
import { createFloorActivities } from '../floor/activities';

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function run(): Promise<void> {
  const cache = process.env.FLOOR_CACHED_WORKFLOWS;
  const connection = await NativeConnection.connect({ address: setting('TEMPORAL_ADDRESS') });
  const twilio = createTwilioClient({
    accountSid: setting('TWILIO_ACCOUNT_SID'),
    authToken: setting('TWILIO_AUTH_TOKEN'),
    apiUrl: setting('TWILIO_API_URL'),
  });
  const worker = await Worker.create({
    connection,
    taskQueue: setting('TEMPORAL_TASK_QUEUE'),
    workflowBundle: { codePath: setting('FLOOR_WORKFLOW_BUNDLE') },
    activities: createFloorActivities({ twilio, from: setting('TWILIO_PHONE_NUMBER') }),
    ...(cache ? { maxCachedWorkflows: Number(cache) } : {}),
  });
  console.log(`floor worker polling (cache ${worker.options.maxCachedWorkflows})`);
  await worker.run();
  await connection.close();
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
