/**
 * Runs the Twilio emulator on its own, for local runs and benchmarks where the service
 * is a separate process. Point the service at the printed URL; drive faults and read
 * what was "sent" through the /__emulator/ endpoints. Loopback only: those endpoints
 * have no authentication.
 */
import { z } from 'zod';
import { loadDotEnv } from '../config/dotenv';
import { envSchema } from '../config/schema';
import { DEV_ACCOUNT_SID, randomAuthToken, startTwilioEmulator } from '../twilio-emulator';

/**
 * Its settings come from the service's one schema, so they are validated (and documented)
 * with every other variable; only the defaults of the account differ: a fake account SID,
 * and an auth token random per run unless one is given.
 */
const emulatorEnv = envSchema.pick({
  TWILIO_EMULATOR_PORT: true,
  TWILIO_EMULATOR_HOST: true,
  TWILIO_EMULATOR_STATUS_CALLBACKS: true,
  TWILIO_ACCOUNT_SID: true,
  TWILIO_AUTH_TOKEN: true,
});

function readEnv() {
  loadDotEnv();
  const parsed = emulatorEnv.safeParse(process.env);
  if (parsed.success) return parsed.data;
  console.error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  process.exit(1);
}

async function run(): Promise<void> {
  const env = readEnv();
  const emulator = await startTwilioEmulator({
    port: env.TWILIO_EMULATOR_PORT,
    host: env.TWILIO_EMULATOR_HOST,
    accountSid: env.TWILIO_ACCOUNT_SID ?? DEV_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN ?? randomAuthToken(),
    statusCallbacks: env.TWILIO_EMULATOR_STATUS_CALLBACKS,
  });
  console.log(`Twilio emulator listening on ${emulator.url} (account ${emulator.accountSid})`);
  if (!env.TWILIO_AUTH_TOKEN)
    console.log(
      `auth token for this run: ${emulator.authToken} (set TWILIO_AUTH_TOKEN to choose one)`,
    );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
