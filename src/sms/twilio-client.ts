import twilio from 'twilio';
import { z } from 'zod';
import { ACCOUNT_SID, ACCOUNT_SID_HINT } from '../domain/formats';

/** What it takes to reach Twilio, or a Twilio-compatible emulator when `apiUrl` is set. */
export const twilioClientConfigSchema = z.object({
  accountSid: z.string().regex(ACCOUNT_SID, ACCOUNT_SID_HINT),
  authToken: z.string().min(1, 'must not be empty'),
  apiUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** How long one HTTP call may take before the client gives up on it. */
  timeoutMs: z.number().int().positive().optional(),
});
export type TwilioClientConfig = z.infer<typeof twilioClientConfigSchema>;

export type TwilioClient = twilio.Twilio;

/**
 * The official `twilio` client. With `apiUrl`, every call of the `api` domain (Messages
 * included) goes there instead of https://api.twilio.com: the domain builds each URL
 * from `client.api.baseUrl` at call time, next-page links included.
 */
export function createTwilioClient(config: TwilioClientConfig): TwilioClient {
  const { accountSid, authToken, apiUrl, timeoutMs } = twilioClientConfigSchema.parse(config);
  const client = twilio(accountSid, authToken, timeoutMs ? { timeout: timeoutMs } : {});
  if (apiUrl !== undefined) {
    client.api.baseUrl = apiUrl;
    // An edge or region (also read from TWILIO_EDGE / TWILIO_REGION) rewrites the
    // hostname of every request, which would mangle the emulator's address.
    client.edge = undefined;
    client.region = undefined;
  }
  return client;
}
