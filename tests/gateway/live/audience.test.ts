// Who counts as a viewer: the session's own host (whose console follows the session over /live) and
// staff watching as a preview receive every frame but are never counted — not in "N watching", not as a
// join or leave in the funnel. Members and anonymous visitors are.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../loadtest/clients/wait-for.ts';
import { postOk } from '../../helpers/http-call.ts';
import { type LiveNode, ok, record, socketTo, startLiveNode } from '../../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../../helpers/people.ts';

const tokens = testTokens();

describe('the audience of a live session', () => {
  let node: LiveNode;
  const sockets: Socket[] = [];
  let sessionId = '';
  let cardId = '';
  let hostToken = '';
  let staffToken = '';
  let memberToken = '';

  const open = async (token?: string) => {
    const s = await socketTo(node.url, '/live', token);
    sockets.push(s);
    return s;
  };
  const eventsOf = (viewerId: string) =>
    node.platform.store.db
      .selectFrom('viewer_events')
      .select('type')
      .where('viewer_id', '=', viewerId)
      .execute()
      .then((rows) => rows.map((r) => r.type).sort());

  beforeAll(async () => {
    node = await startLiveNode();
    const { store } = node.platform;
    hostToken = (await seedPerson(store, tokens, { roles: ['host'] })).token;
    staffToken = (await seedPerson(store, tokens, { roles: ['staff'] })).token;
    memberToken = (await seedPerson(store, tokens)).token;
    const product = await postOk(node.url, staffToken, '/api/products', {
      titles: { en: 'Tea', 'zh-Hans': '茶', 'zh-Hant': '茶' },
      skus: [{ code: 'AUD-TEA-1', priceMinor: 1_900, currency: 'CNY', stock: 10 }],
    });
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    sessionId = (await postOk(node.url, hostToken, '/api/live-sessions', { title: 'Alone at first' }))
      .sessionId as string;
    await postOk(node.url, hostToken, `/api/live-sessions/${sessionId}/go-live`);
    cardId = (
      await postOk(node.url, hostToken, `/api/live-sessions/${sessionId}/cards`, { skuId, quantity: 3 })
    ).cardId as string;
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it('the host alone and a staff preview see 0 watching and leave no trace in the funnel', async () => {
    const host = await open(hostToken);
    const hostJoin = await ok(host, 'live:join', { sessionId });
    expect(hostJoin.viewers).toBe(0);
    const staff = await open(staffToken);
    const staffJoin = await ok(staff, 'live:join', { sessionId });
    expect(staffJoin.viewers).toBe(0);

    // Both still receive the session's frames.
    const frames = [host, staff].map((s) => record(s, ['card:pinned']));
    await postOk(node.url, hostToken, `/api/live-sessions/${sessionId}/cards/${cardId}/pin`);
    await waitFor(() => frames.every((f) => f.length === 1));

    // A member and an anonymous visitor are the audience.
    const member = await open(memberToken);
    expect((await ok(member, 'live:join', { sessionId })).viewers).toBe(1);
    const counts: number[] = [];
    member.on('viewers:count', (f: { viewers: number }) => counts.push(f.viewers));
    const visitor = await open();
    const visitorJoin = await ok(visitor, 'live:join', { sessionId });
    expect(visitorJoin.viewers).toBe(2);
    await waitFor(async () => (await eventsOf(visitorJoin.viewerId as string)).length === 1);

    await ok(host, 'live:leave', { sessionId });
    await ok(staff, 'live:leave', { sessionId });
    await ok(visitor, 'live:leave', { sessionId });
    await waitFor(async () => (await eventsOf(visitorJoin.viewerId as string)).length === 2);
    expect(await eventsOf(visitorJoin.viewerId as string)).toEqual(['live.join', 'live.leave']);
    expect(await eventsOf(hostJoin.viewerId as string)).toEqual([]);
    expect(await eventsOf(staffJoin.viewerId as string)).toEqual([]);
    // The count is coalesced across nodes: once it settles, only the member is watching.
    await waitFor(() => counts.at(-1) === 1);
  });
});
