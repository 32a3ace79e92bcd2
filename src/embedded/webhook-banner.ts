import type { Config } from '../config';
import { webhookIntake } from '../gateways/intake-summary';

/**
 * The banner's webhook lines: every gateway's URL, the setting its webhooks are checked
 * with, and whether this run has it (unset: every webhook refused with 401).
 */
export function webhookLines(apiUrl: string, config: Config, generatedSecret: boolean): string[] {
  const intake = webhookIntake(config);
  const urls = intake.map(({ gateway }) => `${apiUrl}/api/webhooks/${gateway}/`);
  const width = Math.max(...urls.map((url) => url.length));
  return [
    '  Webhooks         POST to each gateway its own URL:',
    ...intake.map((g, i) => {
      const state = !config.webhookAuth
        ? 'open (WEBHOOK_AUTH=off)'
        : `${g.setting} ${stateOf(g, generatedSecret)}`;
      return `    ${g.displayName.padEnd(13)}${urls[i].padEnd(width)}  ${state}`;
    }),
  ];
}

function stateOf(g: ReturnType<typeof webhookIntake>[number], generatedSecret: boolean): string {
  if (!g.accepting) return 'not set: refused (401)';
  if (g.setting === 'WEBHOOK_SECRET' && generatedSecret) return 'generated for this run';
  return 'set';
}
