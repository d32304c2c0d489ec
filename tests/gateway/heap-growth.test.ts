// The gateway bounds V8's heap growth while many clients are connected, and gives V8 its own factor
// back below half the threshold (hysteresis, so a count hovering at the threshold does not flip it).

import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../gateway/http-app.ts';
import { heapGrowth } from '../../gateway/sockets/heap-growth.ts';
import { createSocketServer } from '../../gateway/sockets/index.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { testLogger } from '../helpers/logger.ts';

describe('heap growth by connection count', () => {
  it('bounds from the threshold and releases below half of it', () => {
    const g = heapGrowth({ above: 4, percent: 50 });
    const seen = [0, 3, 4, 5, 3, 2, 1, 3, 4].map((n) => {
      g.update(n);
      return g.bounded;
    });
    expect(seen).toEqual([false, false, true, true, true, true, false, false, true]);
  });

  describe('on a socket.io server', () => {
    const clients: Socket[] = [];
    let close: (() => Promise<void>) | undefined;
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      await close?.();
    });

    it('follows engine.io connections as they come and go', async () => {
      const app = await createHttpApp({ logger: testLogger });
      const sockets = await createSocketServer({ app, logger: testLogger, heapGrowth: { above: 3 } });
      close = async () => {
        await sockets.close();
        await app.close();
      };
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      const open = async () => {
        const c = connect(`http://127.0.0.1:${port}/`, { transports: ['websocket'], reconnection: false });
        clients.push(c);
        await new Promise<void>((resolve, reject) => {
          c.once('connect', () => resolve());
          c.once('connect_error', reject);
        });
      };
      const bounded = () => sockets.heapGrowthBounded;
      await open();
      await open();
      expect(bounded()).toBe(false);
      await open();
      expect(bounded()).toBe(true);
      // 2 of 3 leave: 1 < 1.5 → V8's own factor again.
      for (const c of clients.splice(0, 2)) c.disconnect();
      await waitFor(() => !bounded(), { timeoutMs: 5000, what: 'the heap growth factor restored' });
    });
  });
});
