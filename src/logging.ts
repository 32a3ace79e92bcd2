import pino from 'pino';

export type Logger = pino.Logger;

/** E.164 numbers anywhere in a log line keep only their country, area code and last four digits. */
const E164_IN_TEXT = /\+(\d{2})(\d{2})(\d+)(\d{4})\b/g;

export function maskPhonesInText(text: string): string {
  return text.replace(
    E164_IN_TEXT,
    (_m, cc: string, area: string, mid: string, last: string) =>
      `+${cc} ${area} ${mid.slice(0, 1)}${'*'.repeat(Math.max(mid.length - 1, 0))}-${last}`,
  );
}

/**
 * One logger for the API, the worker and the activities: JSON lines, pretty in a terminal.
 * Secrets are redacted by key; phone numbers are masked wherever they appear in a string.
 */
export function createLogger(
  level: string,
  options: { pretty?: boolean; name?: string } = {},
): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY && !process.env.CI);
  return pino({
    level,
    name: options.name,
    redact: {
      paths: [
        '*.authToken',
        '*.apiToken',
        '*.webhookSecret',
        '*.webhookSecrets',
        '*.webhookToken',
        '*.accessToken',
        '*.apiKey',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'headers["x-webhook-token"]',
        'headers["asaas-access-token"]',
      ],
      censor: '[redacted]',
    },
    hooks: {
      streamWrite: (line) => maskPhonesInText(line),
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' },
          },
        }
      : {}),
  });
}
