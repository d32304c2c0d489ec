// The project's Redis helper connects for real and round-trips data; keys are unique to this file.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../gateway/redis.ts';
import { testLogger } from '../helpers/logger.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test:${randomBytes(6).toString('hex')}:`;

describe('connectRedis', () => {
  const clients: Array<Awaited<ReturnType<typeof connectRedis>>> = [];
  afterAll(async () => {
    const c = clients[0];
    if (c) {
      const keys = await c.keys(`${prefix}*`);
      if (keys.length) await c.del(...keys);
    }
    for (const client of clients) client.disconnect();
  });

  it('round-trips a value and a stream entry between two connections', async () => {
    const a = await connectRedis(REDIS_URL, testLogger, 'test-a');
    const b = await connectRedis(REDIS_URL, testLogger, 'test-b');
    clients.push(a, b);
    await a.set(`${prefix}k`, 'v1', 'PX', 60_000);
    expect(await b.get(`${prefix}k`)).toBe('v1');
    const id = await a.xadd(`${prefix}s`, '*', 'type', 'probe');
    const entries = await b.xrange(`${prefix}s`, '-', '+');
    expect(entries).toEqual([[id, ['type', 'probe']]]);
  });

  it('rejects with a coded error when Redis is unreachable', async () => {
    await expect(connectRedis('redis://127.0.0.1:1', testLogger)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
  });
});
