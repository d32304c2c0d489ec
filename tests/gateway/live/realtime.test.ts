// The real-time gateway on a whole platform node: snapshot on join, pins and stock reaching every
// viewer with contiguous sequences, order:update only to the buyer, orders over the socket answered
// exactly as over HTTP, viewer events in the log with their codes, logging in mid-session, and state
// recovery (missed events replayed; an expired token refused).
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../loadtest/clients/wait-for.ts';
import { postOk } from '../../helpers/http-call.ts';
import { ask, type LiveNode, ok, record, socketTo, startLiveNode } from '../../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../../helpers/people.ts';
import { PICKUP } from '../../helpers/sales.ts';

const tokens = testTokens();

describe('/live and /host on a platform node', () => {
  let node: LiveNode;
  const sockets: Socket[] = [];
  let hostToken: string;
  let sessionId: string;
  let cardA: string;
  let cardB: string;

  async function open<N extends '/live' | '/host' | '/staff'>(
    nsp: N,
    token?: string,
    opts?: { reconnection?: boolean },
  ) {
    const s = await socketTo(node.url, nsp, token, opts);
    sockets.push(s);
    return s;
  }

  beforeAll(async () => {
    node = await startLiveNode();
    const { store } = node.platform;
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    hostToken = host.token;
    const h = host.token;
    const s = staff.token;
    const post = (path: string, token: string, body: unknown = {}) => postOk(node.url, token, path, body);
    const product = await post('/api/products', s, {
      titles: { en: 'Meal replacement', 'zh-Hans': '代餐', 'zh-Hant': '代餐' },
      tags: ['weight-management'],
      skus: [
        { code: 'MR-1', priceMinor: 19_900, currency: 'CNY', stock: 100 },
        { code: 'MR-2', priceMinor: 29_900, currency: 'CNY', stock: 100 },
      ],
    });
    const skus = product.skus as Array<{ skuId: string; code: string }>;
    const session = await post('/api/live-sessions', h, { title: 'Tuesday live' });
    sessionId = session.sessionId as string;
    await post(`/api/live-sessions/${sessionId}/go-live`, h);
    cardA = (
      await post(`/api/live-sessions/${sessionId}/cards`, h, {
        skuId: skus[0]!.skuId,
        quantity: 3,
        perMemberLimit: 2,
      })
    ).cardId as string;
    cardB = (await post(`/api/live-sessions/${sessionId}/cards`, h, { skuId: skus[1]!.skuId, quantity: 10 }))
      .cardId as string;
    await post(`/api/live-sessions/${sessionId}/cards/${cardA}/pin`, h);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it('serves a snapshot on join; a pin made on /host reaches every viewer with the next sequence', async () => {
    const viewers = await Promise.all([open('/live'), open('/live'), open('/live')]);
    const snaps = await Promise.all(
      viewers.map((v, i) =>
        ok(v, 'live:join', { sessionId, viewerId: `viewer-${i}-abcdef`, ref: 'REFCODE1', ch: 'CHCODE01' }),
      ),
    );
    for (const snap of snaps) {
      expect(snap.session.state).toBe('live');
      expect(snap.cards.map((c: { cardId: string }) => c.cardId)).toEqual([cardA]);
      expect(snap.cards[0].remaining).toBe(3);
      // Single node: the SFU signalling is on this origin.
      expect(snap.media).toEqual({ url: null, namespace: '/media' });
    }
    const frames = viewers.map((v) => record(v, ['card:pinned']));
    const host = await open('/host', hostToken);
    await ok(host, 'host:join', { sessionId });
    await ok(host, 'card:pin', { sessionId, cardId: cardB });
    await waitFor(() => frames.every((f) => f.length === 1));
    for (const [i, f] of frames.entries()) {
      expect(f[0]!.frame.seq).toBe(snaps[i].seq + 1);
      expect((f[0]!.frame.card as { cardId: string }).cardId).toBe(cardB);
    }
    // A viewer who joins now sees both cards, current at the new sequence.
    const late = await open('/live');
    const snap = await ok(late, 'live:join', { sessionId, viewerId: 'late-viewer-1' });
    expect(snap.cards.map((c: { cardId: string }) => c.cardId).sort()).toEqual([cardA, cardB].sort());
    expect(snap.seq).toBe(snaps[0].seq + 1);
  });

  it('order:place answers like HTTP; stock reaches everyone, order:update only the buyer, seq:skip the rest', async () => {
    const buyer = await seedPerson(node.platform.store, tokens);
    const other = await open('/live');
    const me = await open('/live', buyer.token);
    const otherSnap = await ok(other, 'live:join', { sessionId, viewerId: 'other-viewer-1' });
    await ok(me, 'live:join', { sessionId, viewerId: 'buyer-viewer-1' });
    const mine = record(me, ['order:update', 'stock:changed', 'seq:skip']);
    const theirs = record(other, ['order:update', 'stock:changed', 'seq:skip']);
    const body = { cardId: cardA, quantity: 1, fulfilment: PICKUP };
    const reply = await me
      .timeout(5000)
      .emitWithAck('order:place', { sessionId, idempotencyKey: 'sock-key-001', order: body });
    expect(reply.status).toBe(201);
    expect(reply.body.status).toBe('placed');
    // The same key over HTTP: the very same answer, no second order.
    const res = await fetch(`${node.url}/api/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${buyer.token}`,
        'content-type': 'application/json',
        'idempotency-key': 'sock-key-001',
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual(reply.body);
    await waitFor(() => mine.length >= 2 && theirs.length >= 2);
    expect(mine.map((m) => m.event).sort()).toEqual(['order:update', 'stock:changed']);
    expect(theirs.map((m) => m.event).sort()).toEqual(['seq:skip', 'stock:changed']);
    const stock = theirs.find((m) => m.event === 'stock:changed')!.frame;
    expect(stock.remaining).toBe(2);
    // Contiguous: the other viewer saw every number after its snapshot.
    expect(theirs.map((m) => m.frame.seq as number).sort((a, b) => a - b)).toEqual([
      otherSnap.seq + 1,
      otherSnap.seq + 2,
    ]);
    expect(mine.find((m) => m.event === 'order:update')!.frame.personId).toBe(buyer.person.id);
    // Anonymous viewers cannot buy; the answer is the HTTP one.
    const anon = await other
      .timeout(5000)
      .emitWithAck('order:place', { sessionId, idempotencyKey: 'anon-key-01', order: body });
    expect(anon).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
  });

  it('records joins and clicks with the link codes, and links a viewer who logs in mid-session', async () => {
    const v = await open('/live');
    const joined = await ok(v, 'live:join', { sessionId, ref: 'REFCODE9', ch: 'CHCODE09' });
    // The server mints the viewer id and the browser keeps it.
    const viewerId = joined.viewerId as string;
    expect(viewerId).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    v.emit('card:click', { sessionId, cardId: cardA });
    const member = await seedPerson(node.platform.store, tokens);
    expect((await ok(v, 'live:auth', { token: member.token })).personId).toBe(member.person.id);
    const db = node.platform.store.db;
    await waitFor(async () => {
      const rows = await db
        .selectFrom('viewer_events')
        .selectAll()
        .where('viewer_id', '=', viewerId)
        .execute();
      return rows.length >= 2;
    });
    const rows = await db.selectFrom('viewer_events').selectAll().where('viewer_id', '=', viewerId).execute();
    expect(rows.map((r) => r.type).sort()).toEqual(['card.click', 'live.join']);
    for (const r of rows) expect([r.ref_code, r.ch_code]).toEqual(['REFCODE9', 'CHCODE09']);
    const link = await db
      .selectFrom('viewer_links')
      .selectAll()
      .where('viewer_id', '=', viewerId)
      .executeTakeFirst();
    expect(link?.person_id).toBe(member.person.id);
  });

  it('a chat flood is rate-limited with a coded error while other viewers keep chatting', async () => {
    const flooder = await open('/live');
    const calm = await open('/live');
    await ok(flooder, 'live:join', { sessionId, viewerId: 'flooder-viewer-1' });
    await ok(calm, 'live:join', { sessionId, viewerId: 'calm-viewer-01' });
    const seen = record(calm, ['chat:message']);
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => ask(flooder, 'chat:send', { sessionId, text: `spam ${i}` })),
    );
    const limited = replies.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(20);
    expect((await ask(calm, 'chat:send', { sessionId, text: 'hello' })).ok).toBe(true);
    await waitFor(() => seen.some((m) => m.frame.text === 'hello'));
    // Oversized frames never reach a handler: the server drops the connection (16 KiB limit).
    const big = await open('/live');
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    (big as Socket).emit('chat:send', { sessionId, text: 'x'.repeat(40_000) });
    expect(await closed).toBe('transport close');
  });

  it('rejects bad payloads with coded errors and ignores unknown events', async () => {
    const v = await open('/live');
    // Unknown events, including names of Object.prototype members, are ignored; the socket stays usable.
    for (const junk of ['no:such:event', 'toString', '__proto__', 'constructor'])
      (v as Socket).emit(junk, { x: 1 }, () => {});
    expect(await ask(v, 'live:join', { sessionId, viewerId: 'x'.repeat(65) })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(
      await ask(v, 'live:join', { sessionId: 'no-such-session', viewerId: 'viewer-zzz-1' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await ask(v, 'chat:send', { sessionId, text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'LIVE_NOT_JOINED' },
    });
    expect((await ask(v, 'live:join', { sessionId, viewerId: 'viewer-after-junk' })).ok).toBe(true);
    const member = await seedPerson(node.platform.store, tokens);
    const notHost = await open('/host', member.token);
    expect(await ask(notHost, 'card:unpin', { sessionId, cardId: cardB })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('a reconnect within the recovery window replays what was missed; an expired token is refused', async () => {
    const member = await seedPerson(node.platform.store, tokens);
    const v = await open('/live', member.token, { reconnection: true });
    await ok(v, 'live:join', { sessionId, viewerId: 'recovering-1' });
    const frames = record(v, ['card:unpinned', 'card:pinned']);
    const host = await open('/host', hostToken);
    // A frame before the drop gives the client a recovery offset.
    await ok(host, 'card:unpin', { sessionId, cardId: cardB });
    await waitFor(() => frames.length === 1);
    const reconnected = new Promise<void>((resolve) => v.io.once('reconnect', () => resolve()));
    v.io.engine.close();
    await ok(host, 'card:pin', { sessionId, cardId: cardB });
    await reconnected;
    await waitFor(() => frames.length === 2);
    expect(v.recovered).toBe(true);
    expect(frames[1]!.event).toBe('card:pinned');
    expect((frames[1]!.frame.card as { cardId: string }).cardId).toBe(cardB);
    expect(frames[1]!.frame.seq).toBe((frames[0]!.frame.seq as number) + 1);

    // An access token that expired while away: the recovery handshake is refused with the coded error.
    // JWT expiry has whole-second resolution, so a 1 s token can have almost no life left when minted;
    // 4 s leaves room for the connect and join on a loaded machine.
    const shortTokens = testTokens(4);
    const shortLived = await shortTokens.mintAccess(member.person.id, member.person.roles);
    const expiresAt = (await shortTokens.verifyAccess(shortLived)).expiresAtMs;
    const w = await open('/live', shortLived, { reconnection: true });
    await ok(w, 'live:join', { sessionId, viewerId: 'recovering-2' });
    await waitFor(() => Date.now() > expiresAt + 100, { what: 'the token to expire' });
    const refused = new Promise<{ data?: { code: string } }>((resolve) =>
      w.once('connect_error', (e) => resolve(e as never)),
    );
    w.io.engine.close();
    expect((await refused).data?.code).toBe('AUTH_INVALID_TOKEN');
    w.io.reconnection(false);
  });
});
