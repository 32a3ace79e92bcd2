import type { TwilioClient } from '../../src/sms/twilio-client';

/** The floor's one side effect: one message through the official `twilio` client. */
export function createFloorActivities(deps: { twilio: TwilioClient; from: string }) {
  return {
    async sendSms(to: string): Promise<void> {
      await deps.twilio.messages.create({
        to,
        from: deps.from,
        body: 'Seu PIX ainda está esperando.',
      });
    },
  };
}
