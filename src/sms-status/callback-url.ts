/** Where Twilio posts status reports; the worker hands it out, the API serves it. */
export const STATUS_CALLBACK_PATH = '/api/webhooks/twilio/status/';

/** The status callback URL the SMS activity gives Twilio, on the service's public origin. */
export function statusCallbackUrl(publicUrl: string): string {
  return new URL(STATUS_CALLBACK_PATH, publicUrl).toString();
}

/**
 * The URL Twilio called and signed: the public origin plus the path and query as received.
 * Never the Host header: behind a proxy or load balancer it names the internal hop, and a
 * caller could set it to anything.
 */
export function calledUrl(publicUrl: string, originalUrl: string): string {
  return new URL(publicUrl).origin + originalUrl;
}
