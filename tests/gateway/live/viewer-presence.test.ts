// Viewer counts: distinct viewer ids per node, summed across nodes through Redis, coalesced so a burst
// of joins produces one update per period.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ViewerPresence } from '../../../gateway/sockets/live/viewer-presence.ts';
import { waitFor } from '../../../loadtest/clients/wait-for.ts';
import { testLogger } from '../../helpers/logger.ts';

describe('ViewerPresence', () => {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const session = `L-${randomBytes(4).toString('hex')}`;
  const presences: ViewerPresence[] = [];
  afterAll(async () => {
    for (const p of presences) p.close();
    await redis.del(`vitalive:viewers:${session}`);
    redis.disconnect();
  });

  it('counts distinct viewers, sums nodes, and coalesces bursts', async () => {
    const updates: Record<string, number[]> = { a: [], b: [] };
    for (const node of ['a', 'b']) {
      presences.push(
        new ViewerPresence({
          nodeId: node,
          logger: testLogger,
          redis,
          periodMs: 100,
          onCount: (s, n) => s === session && updates[node]!.push(n),
        }),
      );
    }
    const [a, b] = presences as [ViewerPresence, ViewerPresence];
    // 50 viewers join node A in a burst; one of them with two tabs.
    for (let i = 0; i < 50; i++) a.add(session, `viewer-${i}`);
    a.add(session, 'viewer-0');
    for (let i = 50; i < 80; i++) b.add(session, `viewer-${i}`);
    expect(a.localCount(session)).toBe(50);
    await waitFor(() => updates.a!.at(-1) === 80 && updates.b!.at(-1) === 80);
    // The burst did not produce one update per join.
    expect(updates.a!.length).toBeLessThan(5);

    a.remove(session, 'viewer-0');
    expect(a.localCount(session)).toBe(50);
    for (let i = 0; i < 50; i++) a.remove(session, `viewer-${i}`);
    await waitFor(() => updates.b!.at(-1) === 30);
  });
});
