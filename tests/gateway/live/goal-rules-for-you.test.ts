// A goal rule changed through /api/goal-rules changes the "for your goal" flags of the next /live join,
// without a restart and on every node: on SQLite with one node, on PostgreSQL with two nodes sharing
// Redis (the rule is edited through one node and the viewer joins through the other).
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readings } from '../../../commerce/internals.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../../loadtest/clients/postgres.ts';
import { RedisServer } from '../../../loadtest/clients/redis-server.ts';
import { call, postOk } from '../../helpers/http-call.ts';
import { type LiveNode, ok, socketTo, startLiveNode } from '../../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../../helpers/people.ts';

const tokens = testTokens();
const DAY = 86_400_000;

describe.each([
  { name: 'sqlite', nodes: 1 },
  { name: 'postgres, two nodes + Redis', nodes: 2 },
])('goal rule changes reach forYou on $name', ({ nodes: count }) => {
  const nodes: LiveNode[] = [];
  const sockets: Socket[] = [];
  let pg: ScratchDatabase | undefined;
  let redis: RedisServer | undefined;

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (count > 1) {
      pg = await createScratchDatabase();
      redis = new RedisServer();
      await redis.start();
      Object.assign(env, { DATABASE_URL: pg.url, REDIS_URL: redis.url });
    }
    // One at a time: the first runs the migrations.
    for (let i = 0; i < count; i++) nodes.push(await startLiveNode(env));
  }, 90_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const n of nodes) await n.close();
    await redis?.stop();
    await pg?.drop();
  });

  it('flags follow the rule’s range, label, enabled state and existence at the next join', async () => {
    const editor = nodes[0]!;
    const viewerNode = nodes.at(-1)!;
    const { store } = editor.platform;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const viewer = await seedPerson(store, tokens, { healthDataConsent: true });
    const p = await postOk(editor.url, staff.token, '/api/products', {
      titles: { en: 'Fat', 'zh-Hans': 'Fat', 'zh-Hant': 'Fat' },
      metrics: [{ metric: 'BODY_FAT_PCT', min: 20, max: 45 }],
      skus: [{ code: `FAT-${count}`, priceMinor: 9_900, currency: 'CNY', stock: 10 }],
    });
    const skuId = (p.skus as Array<{ skuId: string }>)[0]!.skuId;
    const sessionId = (await postOk(editor.url, host.token, '/api/live-sessions', { title: 'Rules' }))
      .sessionId as string;
    await postOk(editor.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const card = await postOk(editor.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
      skuId,
      quantity: 5,
    });
    // Pinned: a draft card is the host's own and never appears in forYou.
    await postOk(editor.url, host.token, `/api/live-sessions/${sessionId}/cards/${card.cardId}/pin`);
    const now = Date.now();
    await new Readings(store).ingest([
      {
        deviceId: `scale-rules-${count}`,
        bootId: 1,
        seq: 1,
        metric: 'BODY_FAT_PCT',
        value: 31.5,
        measuredAtMs: now - DAY,
        memberCode: viewer.person.memberCode,
        eventId: null,
        receivedAtMs: now,
      },
    ]);
    let n = 0;
    const join = async () => {
      const v = await socketTo(viewerNode.url, '/live', viewer.token);
      sockets.push(v);
      return (await ok(v, 'live:join', { sessionId, viewerId: `rules-viewer-${count}-${++n}` })).forYou;
    };
    const patch = async (ruleId: string, body: unknown) => {
      const r = await call(editor.url, 'PATCH', `/api/goal-rules/${ruleId}`, { token: staff.token, body });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    const flagged = (goal: string) => [{ cardId: card.cardId, metric: 'BODY_FAT_PCT', goal }];

    expect(await join()).toEqual(flagged('body-fat'));
    // A range that leaves 31.5 out: no flag at the next join.
    await patch('goal-body-fat-pct', { min: 32, max: 80 });
    expect(await join()).toBeUndefined();
    // A range that holds it again, with a new label.
    await patch('goal-body-fat-pct', { min: 25, max: 35, goal: 'fat loss' });
    expect(await join()).toEqual(flagged('fat loss'));
    // Turned off, then on; a second rule for the metric takes over when the first is deleted.
    await patch('goal-body-fat-pct', { enabled: false });
    expect(await join()).toBeUndefined();
    await patch('goal-body-fat-pct', { enabled: true });
    const second = await postOk(editor.url, staff.token, '/api/goal-rules', {
      metric: 'BODY_FAT_PCT',
      min: 30,
      max: 40,
      goal: 'lean',
    });
    expect(await join()).toEqual(flagged('fat loss'));
    const del = await call(editor.url, 'DELETE', '/api/goal-rules/goal-body-fat-pct', { token: staff.token });
    expect(del.status).toBe(204);
    expect(await join()).toEqual(flagged('lean'));
    // The same on a resync of a socket already in the session.
    const v = sockets.at(-1)!;
    await patch(second.ruleId as string, { max: 31 });
    expect((await ok(v, 'live:resync', { sessionId })).forYou).toBeUndefined();
  }, 90_000);
});
