/**
 * Runs the Twilio emulator on its own, for local runs and benchmarks where the service
 * is a separate process. Point the service at the printed URL; drive faults and read
 * what was "sent" through the /__emulator/ endpoints. Loopback only: those endpoints
 * have no authentication.
 */
import { z } from 'zod';
import { DEV_ACCOUNT_SID, randomAuthToken, startTwilioEmulator } from '../twilio-emulator';
import { blankToUndefined } from '../config/blank';

const envSchema = z.object({
  TWILIO_EMULATOR_PORT: z.preprocess(
    blankToUndefined,
    z.coerce.number().int('expected a whole port number').min(0).max(65535).default(8025),
  ),
  TWILIO_EMULATOR_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  TWILIO_ACCOUNT_SID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'expected "AC" followed by 32 hexadecimal characters')
      .default(DEV_ACCOUNT_SID),
  ),
  // Random per run unless given: the clients it serves are told it (see the banner).
  TWILIO_AUTH_TOKEN: z.preprocess(blankToUndefined, z.string().default(randomAuthToken)),
  /** Off by default, as in the programmatic API: callbacks add two requests per message. */
  TWILIO_EMULATOR_STATUS_CALLBACKS: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false'])
      .default('false')
      .transform((flag) => flag === 'true'),
  ),
});

function readEnv() {
  const parsed = envSchema.safeParse(process.env);
  if (parsed.success) return parsed.data;
  console.error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  process.exit(1);
}

async function run(): Promise<void> {
  const env = readEnv();
  const emulator = await startTwilioEmulator({
    port: env.TWILIO_EMULATOR_PORT,
    host: env.TWILIO_EMULATOR_HOST,
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    statusCallbacks: env.TWILIO_EMULATOR_STATUS_CALLBACKS,
  });
  console.log(`Twilio emulator listening on ${emulator.url} (account ${emulator.accountSid})`);
  if (!process.env.TWILIO_AUTH_TOKEN?.trim())
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
