import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { envSchema } from '../../src/config/schema';

/** Read by docker compose only, never by the service. */
const COMPOSE_ONLY = ['API_BIND', 'POSTGRES_PASSWORD', 'APP_DB_PASSWORD'];

const listed = fs
  .readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8')
  .split('\n')
  .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
  .filter((name): name is string => name !== undefined);

describe('.env.example', () => {
  test('lists every variable of the configuration schema', () => {
    const missing = Object.keys(envSchema.shape).filter((name) => !listed.includes(name));
    expect(missing).toEqual([]);
  });

  test('lists nothing the schema does not know, besides what only docker compose reads', () => {
    const unknown = listed.filter((name) => !(name in envSchema.shape));
    expect(unknown.sort()).toEqual([...COMPOSE_ONLY].sort());
  });

  test('copied as it is, is a valid configuration of safe defaults', () => {
    const values = Object.fromEntries(
      fs
        .readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8')
        .split('\n')
        .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    const config = loadConfig(values);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      webhookAuth: true,
      webhookSecret: undefined,
    });
  });
});

describe("README's configuration table", () => {
  test('names every variable of the schema', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const missing = Object.keys(envSchema.shape).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
