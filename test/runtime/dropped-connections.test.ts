/**
 * Connections dropped at HTTP_MAX_CONNECTIONS are counted one by one and logged at once,
 * then at most once per window with the count since: a flood of them can't flood the log.
 */
import http from 'node:http';
import pino from 'pino';
import { createMetrics } from '../../src/metrics/metrics';
import { reportDroppedConnections } from '../../src/runtime/api';

test('each drop is counted; the log says the first at once and the rest once per window', async () => {
  jest.useFakeTimers();
  try {
    const lines: { msg: string; dropped: number; maxConnections: number }[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => void lines.push(JSON.parse(line)) },
    );
    const metrics = createMetrics();
    const server = http.createServer();
    reportDroppedConnections(server, 512, metrics, logger, 10_000);

    for (let i = 0; i < 5; i += 1) server.emit('drop');
    expect(lines.map((l) => l.dropped)).toEqual([1]);
    expect(lines[0].msg).toBe(
      'API: dropped 1 connection(s) unanswered: HTTP_MAX_CONNECTIONS (512) were open',
    );
    jest.advanceTimersByTime(10_000);
    expect(lines.map((l) => l.dropped)).toEqual([1, 4]);
    // A quiet window logs nothing; the next drop is logged at once again.
    jest.advanceTimersByTime(30_000);
    server.emit('drop');
    expect(lines.map((l) => l.dropped)).toEqual([1, 4, 1]);
    expect(lines.every((l) => l.maxConnections === 512)).toBe(true);
    expect((await metrics.connectionsDropped.get()).values[0].value).toBe(6);
  } finally {
    jest.useRealTimers();
  }
});
