// "Recommended by your expert" on the live page: after a consultation in which the expert recommended a
// product, the member's /live snapshot names the session's cards of that product (no health-data
// consent needed: it is the member's own consultation). Another member, an anonymous viewer, and a
// recommendation in a consultation not marked as taken place flag nothing.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeSlots, seedExpert } from '../../helpers/experts.ts';
import { call, postOk } from '../../helpers/http-call.ts';
import { type LiveNode, ok, socketTo, startLiveNode } from '../../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../../helpers/people.ts';

const tokens = testTokens();

describe('cards recommended by the viewer’s expert', () => {
  let node: LiveNode;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    node = await startLiveNode();
  }, 30_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it('flags the session’s cards of products from the member’s consulted consultations only', async () => {
    const { store } = node.platform;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const member = await seedPerson(store, tokens);
    const other = await seedPerson(store, tokens);
    const expert = await seedExpert(node.url, store, tokens);
    const product = async (code: string) => {
      const p = await postOk(node.url, staff.token, '/api/products', {
        titles: { en: code, 'zh-Hans': code, 'zh-Hant': code },
        skus: [{ code, priceMinor: 9_900, currency: 'CNY', stock: 10 }],
      });
      return { productId: p.productId as string, skuId: (p.skus as Array<{ skuId: string }>)[0]!.skuId };
    };
    const omega = await product('OMEGA-1');
    const scale = await product('SCALE-1');
    const session = await postOk(node.url, host.token, '/api/live-sessions', { title: 'Picks' });
    const sessionId = session.sessionId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const cards: string[] = [];
    for (const { skuId } of [omega, scale]) {
      const c = await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
        skuId,
        quantity: 5,
      });
      await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${c.cardId}/pin`);
      cards.push(c.cardId as string);
    }
    // A consultation booked by the member; the expert writes the recommendation. It counts once the
    // consultation is marked as taken place (set directly: the outcome route waits for its start).
    const [slot] = await freeSlots(node.url, expert.person.id, Date.now() + 3_600_000);
    const booked = await call(node.url, 'POST', '/api/consultations', {
      token: member.token,
      body: { expertId: expert.person.id, startsAtMs: slot },
    });
    expect(booked.status).toBe(201);
    const id = booked.body.consultationId as string;
    const notes = await call(node.url, 'PUT', `/api/consultations/${id}/notes`, {
      token: expert.token,
      body: { notes: 'n', summary: 's', recommendedProductIds: [omega.productId] },
    });
    expect(notes.status, JSON.stringify(notes.body)).toBe(200);

    const join = async (token: string | undefined, viewerId: string) => {
      const v = await socketTo(node.url, '/live', token);
      sockets.push(v);
      return { v, snap: await ok(v, 'live:join', { sessionId, viewerId }) };
    };
    // Not consulted yet: nothing.
    const mine = await join(member.token, 'picks-viewer-1');
    expect(mine.snap.byYourExpert).toBeUndefined();
    await store.db.updateTable('consultations').set({ status: 'consulted' }).where('id', '=', id).execute();
    expect((await ok(mine.v, 'live:resync', { sessionId })).byYourExpert).toEqual([cards[0]]);
    expect((await join(other.token, 'picks-viewer-2')).snap.byYourExpert).toBeUndefined();
    expect((await join(undefined, 'picks-viewer-3')).snap.byYourExpert).toBeUndefined();
  }, 60_000);
});
