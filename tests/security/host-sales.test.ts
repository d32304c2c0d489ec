// The host console's sales panel: `host:sales` answers the session's orders, units and GMV with the
// latest orders naming the buyer, and `order:new` carries the buyer's display name and the product. Only
// the session's host and staff get either: a viewer, a member, another host, a host whose token expired
// and malformed payloads are refused with coded errors, and no frame on /live ever carries a buyer name.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { ask, type LiveNode, ok, record, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';
import { PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();

describe.each(['sqlite', 'postgres'] as const)('the host sales panel (%s)', (dialect) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  const sockets: Socket[] = [];
  let staff: Seeded;
  let host: Seeded;
  let otherHost: Seeded;
  let buyer: Seeded;
  let viewerMember: Seeded;
  let sessionId = '';
  let cardId = '';
  let keySeq = 0;

  const open = async <N extends '/live' | '/host'>(nsp: N, token?: string) => {
    const s = await socketTo(node.url, nsp, token);
    sockets.push(s);
    return s;
  };
  const codeOf = async (s: Socket, event: string, payload: unknown) => {
    const r = await ask(s, event, payload);
    return r.ok ? 'ok' : r.error.code;
  };
  const order = async (quantity: number) => {
    const res = await call(node.url, 'POST', '/api/orders', {
      token: buyer.token,
      body: { cardId, quantity, provider: 'manual', fulfilment: PICKUP },
      headers: { 'idempotency-key': `host-sales-${++keySeq}` },
    });
    expect(res.status).toBe(201);
    return res.body as { orderId: string };
  };

  beforeAll(async () => {
    if (dialect === 'postgres') pg = await createScratchDatabase();
    node = await startLiveNode(pg ? { DATABASE_URL: pg.url } : {});
    const { store } = node.platform;
    staff = await seedPerson(store, tokens, { roles: ['staff'] });
    host = await seedPerson(store, tokens, { roles: ['host'] });
    otherHost = await seedPerson(store, tokens, { roles: ['host'] });
    buyer = await seedPerson(store, tokens, { displayName: 'Mei the buyer' });
    viewerMember = await seedPerson(store, tokens);
    const product = await postOk(node.url, staff.token, '/api/products', {
      titles: { en: 'Oat bar', 'zh-Hans': '燕麦棒', 'zh-Hant': '燕麥棒' },
      skus: [{ code: 'HOST-SALES-1', priceMinor: 5_000, currency: 'CNY', stock: 40 }],
    });
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    sessionId = (await postOk(node.url, host.token, '/api/live-sessions', { title: 'Sales' }))
      .sessionId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    cardId = (
      await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
        skuId,
        quantity: 20,
        priceMinor: 3_900,
      })
    ).cardId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${cardId}/pin`);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
    await pg?.drop();
  });

  it('gives the host live totals and a feed naming the buyer and the product', async () => {
    const console = await open('/host', host.token);
    await ok(console, 'host:join', { sessionId });
    const empty = await ok(console, 'host:sales', { sessionId });
    expect(empty).toMatchObject({ sessionId, orders: 0, units: 0, totals: [], recent: [] });

    const frames = record(console, ['order:new']);
    const first = await order(2);
    await waitFor(() => frames.length === 1);
    expect(frames[0]!.frame).toMatchObject({
      orderId: first.orderId,
      buyerName: 'Mei the buyer',
      titles: { en: 'Oat bar' },
      quantity: 2,
      status: 'placed',
    });
    const second = await order(1);
    await postOk(node.url, staff.token, `/api/orders/${first.orderId}/confirm-payment`);
    const cancelled = await call(node.url, 'POST', `/api/me/orders/${second.orderId}/cancel`, {
      token: buyer.token,
    });
    expect(cancelled.status).toBe(200);
    // placed, placed, paid, cancelled: every status change reaches the console.
    await waitFor(() => frames.length === 4);
    expect(frames.map((f) => f.frame.status)).toEqual(['placed', 'placed', 'paid', 'cancelled']);

    const sales = await ok(console, 'host:sales', { sessionId });
    // The cancelled order no longer counts; the paid one does, at the live price.
    expect(sales).toMatchObject({
      orders: 1,
      units: 2,
      paidOrders: 1,
      totals: [{ currency: 'CNY', gmvMinor: 7_800, paidMinor: 7_800 }],
    });
    expect(sales.recent.map((l: { orderId: string }) => l.orderId)).toEqual([second.orderId, first.orderId]);
    expect(sales.recent[0]).toMatchObject({ buyerName: 'Mei the buyer', titles: { en: 'Oat bar' } });
    // Staff see the same.
    const staffConsole = await open('/host', staff.token);
    expect((await ok(staffConsole, 'host:sales', { sessionId })).orders).toBe(1);
  });

  it('is refused to viewers, members and other hosts, and on malformed payloads', async () => {
    // /live has no such event: a viewer's socket gets no answer at all.
    const viewer = await open('/live');
    const asked = await ask(viewer, 'host:sales', { sessionId }).catch(() => undefined);
    expect(asked?.ok).not.toBe(true);
    const member = await open('/host', viewerMember.token);
    expect(await codeOf(member, 'host:sales', { sessionId })).toBe('FORBIDDEN');
    expect(await codeOf(member, 'host:join', { sessionId })).toBe('FORBIDDEN');
    const other = await open('/host', otherHost.token);
    expect(await codeOf(other, 'host:sales', { sessionId })).toBe('FORBIDDEN');
    const frames = record(other, ['order:new']);
    expect(await codeOf(other, 'host:sales', { sessionId: 'no-such-session' })).toBe('NOT_FOUND');
    const console = await open('/host', host.token);
    for (const bad of [{}, { sessionId: '' }, { sessionId: 'x'.repeat(65) }, { sessionId, extra: 1 }, 'x'])
      expect(await codeOf(console, 'host:sales', bad)).toBe('VALIDATION_FAILED');
    // Anonymous sockets never reach /host at all.
    await expect(socketTo(node.url, '/host')).rejects.toThrow();
    await order(1);
    // The other host's connection answered after the order's frame went out: it had its chance.
    await waitFor(async () => (await ok(console, 'host:sales', { sessionId })).orders === 2);
    expect(await codeOf(other, 'host:join', { sessionId })).toBe('FORBIDDEN');
    expect(frames).toEqual([]);
  });

  it('no longer answers a host whose token expired', async () => {
    const ttlMs = tokens.accessTtlSec * 1000;
    const token = await tokens.mintAccess(host.person.id, host.person.roles, Date.now() - ttlMs + 2_000);
    const expiresAt = (await tokens.verifyAccess(token)).expiresAtMs;
    const console = await open('/host', token);
    expect(await codeOf(console, 'host:sales', { sessionId })).toBe('ok');
    await waitFor(() => Date.now() > expiresAt + 100, 10_000);
    expect(await codeOf(console, 'host:sales', { sessionId })).toBe('AUTH_INVALID_TOKEN');
  }, 20_000);

  it('never sends a buyer name to /live, not even to the buyer', async () => {
    const anonymous = await open('/live');
    await ok(anonymous, 'live:join', { sessionId });
    const signedIn = await open('/live', buyer.token);
    await ok(signedIn, 'live:join', { sessionId });
    const events = ['order:update', 'seq:skip', 'stock:changed', 'card:updated', 'card:sold_out'];
    const fromAnonymous = record(anonymous, events);
    const fromBuyer = record(signedIn, events);
    await order(1);
    // The buyer's own order frame and stock frame; the others' seq:skip and stock frame.
    await waitFor(() => fromBuyer.length >= 2 && fromAnonymous.length >= 2);
    const seen = [...fromAnonymous, ...fromBuyer];
    expect(seen.some((f) => f.event === 'order:update')).toBe(true);
    const wire = JSON.stringify(seen);
    expect(wire).not.toContain('Mei the buyer');
    expect(wire).not.toContain('buyerName');
  });
});
