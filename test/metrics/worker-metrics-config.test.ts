import { ConfigError, loadConfig } from '../../src/config';

describe('WORKER_METRICS_PORT', () => {
  test('unset, the worker serves no metrics of its own', () => {
    expect(loadConfig({}).workerMetricsPort).toBeUndefined();
    expect(loadConfig({ WORKER_METRICS_PORT: '  ' }).workerMetricsPort).toBeUndefined();
  });

  test('a port number is read as a number', () => {
    expect(loadConfig({ WORKER_METRICS_PORT: '9465' }).workerMetricsPort).toBe(9465);
  });

  test.each(['metrics', '70000', '94.5'])('%s is refused, naming the variable', (value) => {
    expect(() => loadConfig({ WORKER_METRICS_PORT: value })).toThrow(ConfigError);
    try {
      loadConfig({ WORKER_METRICS_PORT: value });
    } catch (err) {
      expect((err as ConfigError).issues.map((i) => i.variable)).toEqual(['WORKER_METRICS_PORT']);
    }
  });
});
