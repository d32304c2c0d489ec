// Chat rules: length and emptiness checks, per-socket, per-person, per-viewer and per-IP rate limits with
// a retry time, server-chosen names and no person id in broadcasts,
// and mutes honoured across nodes through Redis.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveChat } from '../../../gateway/sockets/live/chat.ts';
import { TokenBuckets } from '../../../gateway/sockets/token-bucket.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('TokenBuckets', () => {
  it('allows a burst, then one token per refill interval', () => {
    const b = new TokenBuckets({ capacity: 3, refillPerSec: 1 });
    const t0 = 1_000_000;
    expect([b.take('k', t0), b.take('k', t0), b.take('k', t0)]).toEqual([0, 0, 0]);
    expect(b.take('k', t0)).toBe(1);
    expect(b.take('k', t0 + 1000)).toBe(0);
    expect(b.take('other', t0)).toBe(0);
  });

  it('forgets idle keys so a flood of one-off keys does not grow memory', () => {
    const b = new TokenBuckets({ capacity: 1, refillPerSec: 10 });
    for (let i = 0; i < 5000; i++) b.take(`k${i}`, i < 4000 ? 0 : 10_000);
    expect(b.size).toBeLessThan(2000);
  });
});

describe('LiveChat', () => {
  const author = {
    socketId: 's1',
    ip: '203.0.113.1',
    sessionId: 'L1',
    viewerId: 'viewer-0001',
    personId: null,
  };

  it('rejects empty and overlong text and strips control characters', async () => {
    const chat = new LiveChat({ maxLength: 10 });
    await expect(chat.compose(author, '   ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(chat.compose(author, 'x'.repeat(11))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const m = await chat.compose(author, 'hi\u0007there');
    expect(m.text).toBe('hi there');
  });

  it('rate-limits per socket and per person across sockets', async () => {
    const chat = new LiveChat({
      perSocket: { capacity: 2, refillPerSec: 0.1 },
      perPerson: { capacity: 3, refillPerSec: 0.1 },
    });
    await chat.compose(author, 'a');
    await chat.compose(author, 'b');
    await expect(chat.compose(author, 'c')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Another viewer's socket is unaffected.
    await expect(
      chat.compose({ ...author, socketId: 's2', viewerId: 'viewer-0002' }, 'd'),
    ).resolves.toBeTruthy();
    const person = { ...author, personId: 'p1' };
    await chat.compose({ ...person, socketId: 'a' }, '1');
    await chat.compose({ ...person, socketId: 'b' }, '2');
    await chat.compose({ ...person, socketId: 'c' }, '3');
    await expect(chat.compose({ ...person, socketId: 'd' }, '4')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
  });

  it('rate-limits an anonymous viewer id across sockets, and one IP across viewers', async () => {
    const chat = new LiveChat({
      perViewer: { capacity: 2, refillPerSec: 0.1 },
      // A refused message still spends its IP's token: four for the five tries below.
      perIp: { capacity: 4, refillPerSec: 0.1 },
    });
    await chat.compose({ ...author, socketId: 'a' }, '1');
    await chat.compose({ ...author, socketId: 'b' }, '2');
    await expect(chat.compose({ ...author, socketId: 'c' }, '3')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    await chat.compose({ ...author, socketId: 'd', viewerId: 'viewer-0002' }, '4');
    await expect(
      chat.compose({ ...author, socketId: 'e', viewerId: 'viewer-0003' }, '5'),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(
      chat.compose({ ...author, socketId: 'f', viewerId: 'viewer-0004', ip: '203.0.113.2' }, '6'),
    ).resolves.toBeTruthy();
  });

  it('broadcasts no person id, and a name the server chose', async () => {
    const chat = new LiveChat();
    const m = await chat.compose({ ...author, personId: 'p1' }, 'hello');
    expect(m).not.toHaveProperty('personId');
    expect(m.name).toMatch(/^Viewer \d{4}$/);
    expect((await chat.compose({ ...author, socketId: 's2' }, 'again')).name).toBe(m.name);
  });

  describe('mutes through Redis', () => {
    const redis = new Redis(REDIS_URL);
    const session = `L-${randomBytes(4).toString('hex')}`;
    afterAll(async () => {
      const keys = await redis.keys(`vitalive:mute:${session}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });

    it('a mute set on one node stops the viewer on another node', async () => {
      const nodeA = new LiveChat({ redis });
      const nodeB = new LiveChat({ redis });
      const a = { ...author, sessionId: session, personId: 'p9' };
      await nodeA.mute(session, { personId: 'p9' }, 60_000);
      await expect(nodeB.compose({ ...a, viewerId: 'another-browser' }, 'hello')).rejects.toMatchObject({
        code: 'CHAT_MUTED',
      });
      await expect(
        nodeB.compose({ ...a, personId: null, viewerId: 'viewer-9999' }, 'hello'),
      ).resolves.toBeTruthy();
    });
  });
});
