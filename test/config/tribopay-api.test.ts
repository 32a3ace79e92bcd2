/** TRIBOPAY_API_TOKEN, TRIBOPAY_API_URL and TRIBOPAY_API_TIMEOUT: the optional status check. */
import { ConfigError, loadConfig } from '../../src/config';

const TOKEN = 'Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bD1fH3kM5nP7rS9uV1xZ3';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(', ')}`);
}

test('the check is off while TRIBOPAY_API_TOKEN is unset or blank', () => {
  expect(loadConfig({}).tribopayApi).toBeNull();
  expect(loadConfig({ TRIBOPAY_API_TOKEN: '  ' }).tribopayApi).toBeNull();
  expect(
    loadConfig({ TRIBOPAY_API_URL: 'http://127.0.0.1:9/v1', TRIBOPAY_API_TIMEOUT: '1s' })
      .tribopayApi,
  ).toBeNull();
});

test("with the token alone it asks TriboPay's public API and gives up after 3 s", () => {
  expect(loadConfig({ TRIBOPAY_API_TOKEN: ` ${TOKEN} ` }).tribopayApi).toEqual({
    url: 'https://api.tribopay.com.br/api/public/v1',
    token: TOKEN,
    timeoutMs: 3_000,
  });
});

test('TRIBOPAY_API_URL and TRIBOPAY_API_TIMEOUT are read', () => {
  const config = loadConfig({
    TRIBOPAY_API_TOKEN: TOKEN,
    TRIBOPAY_API_URL: 'http://127.0.0.1:4020/api/public/v1',
    TRIBOPAY_API_TIMEOUT: '1500ms',
  });
  expect(config.tribopayApi).toMatchObject({
    url: 'http://127.0.0.1:4020/api/public/v1',
    timeoutMs: 1_500,
  });
});

test('the configuration is frozen down to the status check', () => {
  const config = loadConfig({ TRIBOPAY_API_TOKEN: TOKEN });
  expect(Object.isFrozen(config.tribopayApi)).toBe(true);
});

describe('each invalid value is named', () => {
  const cases: [string, NodeJS.ProcessEnv][] = [
    ['TRIBOPAY_API_URL', { TRIBOPAY_API_URL: 'api.tribopay.com.br' }],
    ['TRIBOPAY_API_URL', { TRIBOPAY_API_URL: 'ftp://api.tribopay.com.br' }],
    ['TRIBOPAY_API_TIMEOUT', { TRIBOPAY_API_TIMEOUT: 'soon' }],
    ['TRIBOPAY_API_TIMEOUT', { TRIBOPAY_API_TIMEOUT: '0' }],
    ['TRIBOPAY_API_TIMEOUT', { TRIBOPAY_API_TIMEOUT: '30s' }],
    ['TRIBOPAY_API_TOKEN', { TRIBOPAY_API_TOKEN: 'two words' }],
  ];

  test.each(cases)('%s in %j', (variable, env) => {
    const error = configError(env);
    expect(error.issues.map((issue) => issue.variable)).toEqual([variable]);
    expect(error.message).toContain(`${variable}: `);
  });

  test('a timeout above 10 s says where the limit is', () => {
    expect(configError({ TRIBOPAY_API_TIMEOUT: '11s' }).message).toContain(
      'TRIBOPAY_API_TIMEOUT: must be at most 10s',
    );
  });
});

test('a bad token is named but never echoed', () => {
  const leaked = `${TOKEN.slice(0, 20)} ${TOKEN.slice(20)}`;
  const error = configError({ TRIBOPAY_API_TOKEN: leaked, PORT: 'http' });
  expect(error.message).toContain('TRIBOPAY_API_TOKEN: must not contain spaces');
  expect(error.message).not.toContain(TOKEN.slice(0, 20));
  expect(error.message).not.toContain(TOKEN.slice(20));
});
