import { ConfigError, loadConfig } from '../../src/config';

describe('TEMPORAL_UI_URL, where the monitoring API links workflows', () => {
  test("defaults to the dev server's Web UI, on TEMPORAL_UI_PORT", () => {
    expect(loadConfig({}).temporal.uiUrl).toBe('http://localhost:8233');
    expect(loadConfig({ TEMPORAL_UI_PORT: '18233' }).temporal.uiUrl).toBe('http://localhost:18233');
  });

  test('takes any http(s) URL, and names itself when given something else', () => {
    expect(loadConfig({ TEMPORAL_UI_URL: 'https://cloud.temporal.io' }).temporal.uiUrl).toBe(
      'https://cloud.temporal.io',
    );
    expect(() => loadConfig({ TEMPORAL_UI_URL: 'temporal-ui:8080' })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_UI_URL: 'temporal-ui:8080' })).toThrow(/TEMPORAL_UI_URL/);
  });
});
