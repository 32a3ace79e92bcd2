import { countSegments } from '../sms/segments';
import { toRfc2822 } from './dates';
import type { EmulatedMessage } from './types';

export const API_VERSION = '2010-04-01';

/**
 * The JSON Twilio returns for a Message (`api.v2010.account.message` in the published
 * contract): every field present, counts as strings, dates RFC 2822, unknowns null.
 */
export function toMessageResource(message: EmulatedMessage, accountSid: string) {
  const base = `/${API_VERSION}/Accounts/${accountSid}/Messages/${message.sid}`;
  return {
    account_sid: accountSid,
    api_version: API_VERSION,
    body: message.body,
    date_created: toRfc2822(message.receivedAt),
    date_sent: message.dateSent && toRfc2822(message.dateSent),
    date_updated: toRfc2822(message.dateUpdated),
    direction: 'outbound-api',
    error_code: message.errorCode,
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: '0',
    num_segments: String(countSegments(message.body)),
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: message.status,
    subresource_uris: {
      media: `${base}/Media.json`,
      feedback: `${base}/Feedback.json`,
    },
    to: message.to,
    uri: `${base}.json`,
  };
}
