import type { Command } from '../command';
import { paymentShow } from './payment-show';
import { privacyErase } from './privacy-erase';
import { replay } from './replay';
import { simulateWebhook } from './simulate-webhook';
import { testSms } from './test-sms';

/** Adding a command: one module in this folder, one entry here. */
export const COMMANDS: readonly Command[] = [
  testSms,
  simulateWebhook,
  paymentShow,
  replay,
  privacyErase,
];

/** The command named by the first one or two words, and the arguments after its name. */
export function findCommand(argv: readonly string[]): { command: Command; args: string[] } | null {
  for (const words of [2, 1]) {
    const command = COMMANDS.find((c) => c.name === argv.slice(0, words).join(' '));
    if (command && command.name.split(' ').length === words)
      return { command, args: argv.slice(words) };
  }
  return null;
}
