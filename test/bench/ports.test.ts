import fs from 'node:fs';
import net from 'node:net';
import { freePort } from '../../bench/ports';

const [ephemeralLow] = fs
  .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
  .trim()
  .split(/\s+/)
  .map(Number);

describe('freePort', () => {
  it('hands out distinct ports below the kernel ephemeral range, ten apart at least', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 150; i += 1) ports.push(await freePort());
    expect(new Set(ports).size).toBe(150);
    for (const port of ports) {
      expect(port).toBeLessThan(ephemeralLow);
      expect(port % 10).toBe(0);
    }
  });

  it('skips a port another process listens on', async () => {
    // Two fresh copies of the module stand for two processes that draw the same slot.
    type Ports = typeof import('../../bench/ports');
    const fresh = (): Ports => {
      let mod: Ports | undefined;
      jest.isolateModules(() => {
        mod = jest.requireActual<Ports>('../../bench/ports');
      });
      return mod!;
    };
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const drawn = await fresh().freePort();
    const other = net.createServer();
    await new Promise<void>((resolve) => other.listen(drawn, '127.0.0.1', resolve));
    try {
      random.mockRestore();
      const seenBy = fresh();
      const again = jest.spyOn(Math, 'random');
      again.mockReturnValueOnce(0.5);
      const next = await seenBy.freePort();
      again.mockRestore();
      expect(next).not.toBe(drawn);
      const probe = net.createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(next, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => probe.close(resolve));
    } finally {
      random.mockRestore();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
