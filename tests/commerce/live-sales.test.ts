// Catalog and live sessions on both store backends: cards allotted from SKU stock, product tags and
// reading ranges, who may pin, the pin limit, handing a session to another host, session states,
// countdowns, expiry racing on two "processes", and the outbox events each change writes with its
// per-session sequence and the public card view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, Catalog, type DomainEvent, LiveSales, readEvents } from '../../commerce/internals.ts';
import { isVitaliveError } from '../../protocols/index.ts';
import {
  openTestStore,
  type SeedOptions,
  STORE_BACKENDS,
  seedPerson,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isVitaliveError(err)) return err.code;
    throw err;
  }
  return 'resolved';
}

async function sessionEvents(t: TestStore, sessionId: string): Promise<DomainEvent[]> {
  return (await readEvents(t.store.db, 0, 10_000)).filter((e) => e.sessionId === sessionId);
}

const TITLES = { en: 'Fibre mix', 'zh-Hans': '膳食纤维', 'zh-Hant': '膳食纖維' };

describe.each(STORE_BACKENDS)('live sales on $name', ({ name }) => {
  let t: TestStore;
  let catalog: Catalog;
  let staff: Actor;
  let host: Actor;
  let otherHost: Actor;
  let member: Actor;
  let seq = 0;

  const actor = async (opts: SeedOptions = {}) => {
    const s = await seedPerson(t.store, tokens, opts);
    return { personId: s.person.id, roles: s.person.roles };
  };

  async function sku(stock: number) {
    const product = await catalog.create({
      titles: TITLES,
      descriptions: { en: 'Soluble fibre', 'zh-Hans': '可溶性纤维', 'zh-Hant': '可溶性纖維' },
      tags: ['glucose-control'],
      metrics: [{ metric: 'GLUCOSE_MMOL_L', min: 3.9, max: 7.8 }],
      skus: [{ code: `FIB-${name}-${++seq}-${Date.now()}`, priceMinor: 8_800, currency: 'cny', stock }],
    });
    return product.skus[0]!;
  }

  beforeAll(async () => {
    t = await openTestStore(name);
    catalog = new Catalog(t.store);
    staff = await actor({ roles: ['staff'] });
    host = await actor({ roles: ['host'] });
    otherHost = await actor({ roles: ['host'] });
    member = await actor();
  });
  afterAll(() => t?.cleanup());

  it('allots card units from SKU stock and keeps titles, tags, metric ranges and currency', async () => {
    const sales = new LiveSales(t.store);
    const s = await sku(10);
    expect(s.currency).toBe('CNY');
    const product = await catalog.get(s.productId);
    expect(product?.tags).toEqual(['glucose-control']);
    expect(product?.metrics).toEqual([{ metric: 'GLUCOSE_MMOL_L', min: 3.9, max: 7.8 }]);
    expect(product?.titles).toEqual(TITLES);
    const session = await sales.createSession(host, { title: 'Morning' });
    expect(session.state).toBe('scheduled');
    const card = await sales.createCard(host, session.sessionId, { skuId: s.skuId, quantity: 7 });
    expect(card).toMatchObject({ state: 'draft', remaining: 7, priceMinor: 8_800, currency: 'CNY' });
    expect(card.titles).toEqual(TITLES);
    expect((await catalog.sku(s.skuId))?.stockOnHand).toBe(3);
    expect(await codeOf(sales.createCard(host, session.sessionId, { skuId: s.skuId, quantity: 4 }))).toBe(
      'STOCK_INSUFFICIENT',
    );
    expect((await catalog.sku(s.skuId))?.stockOnHand).toBe(3);
    expect(
      await codeOf(sales.createCard(host, session.sessionId, { skuId: 'no-such-sku', quantity: 1 })),
    ).toBe('NOT_FOUND');
  });

  it('only the host or staff act on a session; members cannot schedule', async () => {
    const sales = new LiveSales(t.store);
    expect(await codeOf(sales.createSession(member, { title: 'Mine' }))).toBe('FORBIDDEN');
    expect(
      await codeOf(sales.createSession(host, { title: 'Theirs', hostPersonId: otherHost.personId })),
    ).toBe('FORBIDDEN');
    const session = await sales.createSession(staff, { title: 'For host', hostPersonId: host.personId });
    expect(await sales.hostOf(session.sessionId)).toBe(host.personId);
    const s = await sku(5);
    const card = await sales.createCard(host, session.sessionId, { skuId: s.skuId, quantity: 5 });
    expect(await codeOf(sales.goLive(otherHost, session.sessionId))).toBe('FORBIDDEN');
    expect(await codeOf(sales.goLive(member, session.sessionId))).toBe('FORBIDDEN');
    await sales.goLive(host, session.sessionId);
    expect(await codeOf(sales.pin(otherHost, session.sessionId, card.cardId))).toBe('FORBIDDEN');
    expect(await codeOf(sales.pin(member, session.sessionId, card.cardId))).toBe('FORBIDDEN');
    expect((await sales.pin(staff, session.sessionId, card.cardId)).state).toBe('pinned');
    expect(await codeOf(sales.unpin(member, session.sessionId, card.cardId))).toBe('FORBIDDEN');
    expect((await sales.unpin(host, session.sessionId, card.cardId)).state).toBe('unpinned');
    expect(await codeOf(sales.pin(host, session.sessionId, 'no-such-card'))).toBe('NOT_FOUND');
    expect(await codeOf(sales.pin(host, 'no-such-session', card.cardId))).toBe('NOT_FOUND');
  });

  it('staff hand a session to another host until it ends; the event names both hosts', async () => {
    const sales = new LiveSales(t.store);
    const session = await sales.createSession(host, { title: 'Handover' });
    const to = (actor: Actor, hostPersonId: string) =>
      sales.changeHost(actor, session.sessionId, hostPersonId);
    expect(await codeOf(to(host, otherHost.personId))).toBe('FORBIDDEN');
    expect(await codeOf(to(otherHost, otherHost.personId))).toBe('FORBIDDEN');
    expect(await codeOf(to(staff, member.personId))).toBe('HOST_ROLE_REQUIRED');
    expect(await codeOf(to(staff, 'no-such-person'))).toBe('NOT_FOUND');
    expect(await codeOf(sales.changeHost(staff, 'no-such-session', otherHost.personId))).toBe('NOT_FOUND');
    expect((await to(staff, otherHost.personId)).hostPersonId).toBe(otherHost.personId);
    expect(await sales.hostOf(session.sessionId)).toBe(otherHost.personId);
    // Same host again: nothing to change, no event.
    await to(staff, otherHost.personId);
    const updates = (await sessionEvents(t, session.sessionId)).filter((e) => e.type === 'session.updated');
    expect(
      updates.map((e) => [
        e.payload.previousHostPersonId,
        (e.payload.session as { hostPersonId: string }).hostPersonId,
      ]),
    ).toEqual([[host.personId, otherHost.personId]]);
    // The former host lost the session; the new one runs it.
    expect(await codeOf(sales.goLive(host, session.sessionId))).toBe('FORBIDDEN');
    await sales.goLive(otherHost, session.sessionId);
    expect((await to(staff, host.personId)).state).toBe('live');
    await sales.end(staff, session.sessionId);
    expect(await codeOf(to(staff, otherHost.personId))).toBe('SESSION_STATE_INVALID');
    expect(await sales.hostOf(session.sessionId)).toBe(host.personId);
  });

  it("replaces a product's tags and reading ranges; a bad range changes nothing", async () => {
    const s = await sku(1);
    const updated = await catalog.update(s.productId, {
      tags: ['weight-management', 'weight-management'],
      metrics: [{ metric: 'BODY_FAT_PCT', min: 25, max: 45 }],
    });
    expect(updated).toMatchObject({
      tags: ['weight-management'],
      metrics: [{ metric: 'BODY_FAT_PCT', min: 25, max: 45 }],
    });
    expect(
      await codeOf(catalog.update(s.productId, { metrics: [{ metric: 'BMI', min: 30, max: 30 }] })),
    ).toBe('METRIC_RANGE_INVALID');
    expect(
      await codeOf(
        catalog.update(s.productId, { metrics: [{ metric: 'BMI', min: 25, max: Number.POSITIVE_INFINITY }] }),
      ),
    ).toBe('METRIC_RANGE_INVALID');
    expect(
      await codeOf(catalog.update(s.productId, { metrics: [{ metric: 'bmi', min: 25, max: 30 }] })),
    ).toBe('VALIDATION_FAILED');
    expect(await codeOf(catalog.update('no-such-product', { tags: [] }))).toBe('NOT_FOUND');
    expect((await catalog.get(s.productId))?.metrics).toEqual([{ metric: 'BODY_FAT_PCT', min: 25, max: 45 }]);
    expect((await catalog.update(s.productId, { tags: [] })).metrics).toHaveLength(1);
  });

  it('pins at most the configured number of cards; an unpin frees a place', async () => {
    for (const max of [3, 1]) {
      const sales = new LiveSales(t.store, max === 3 ? {} : { maxPinned: max });
      const session = await sales.createSession(host, { title: `Limit ${max}` });
      const cards = [];
      for (let i = 0; i <= max; i++) {
        const s = await sku(2);
        cards.push(await sales.createCard(host, session.sessionId, { skuId: s.skuId, quantity: 2 }));
      }
      expect(await codeOf(sales.pin(host, session.sessionId, cards[0]!.cardId))).toBe(
        'SESSION_STATE_INVALID',
      );
      await sales.goLive(host, session.sessionId);
      for (let i = 0; i < max; i++) await sales.pin(host, session.sessionId, cards[i]!.cardId);
      expect(await codeOf(sales.pin(host, session.sessionId, cards[max]!.cardId))).toBe('CARD_PIN_LIMIT');
      expect(await codeOf(sales.pin(host, session.sessionId, cards[0]!.cardId))).toBe('CARD_STATE_INVALID');
      await sales.unpin(host, session.sessionId, cards[0]!.cardId);
      expect(await codeOf(sales.unpin(host, session.sessionId, cards[0]!.cardId))).toBe('CARD_STATE_INVALID');
      await sales.pin(host, session.sessionId, cards[max]!.cardId);
      const snap = await sales.snapshot(session.sessionId);
      expect(snap?.cards.map((c) => c.cardId)).toEqual(cards.slice(1).map((c) => c.cardId));
    }
  });

  it('two hosts racing for the last pin place: exactly one wins', async () => {
    const sales = new LiveSales(t.store, { maxPinned: 1 });
    const session = await sales.createSession(host, { title: 'Race' });
    await sales.goLive(host, session.sessionId);
    const a = await sales.createCard(host, session.sessionId, { skuId: (await sku(1)).skuId, quantity: 1 });
    const b = await sales.createCard(host, session.sessionId, { skuId: (await sku(1)).skuId, quantity: 1 });
    const codes = await Promise.all([
      codeOf(sales.pin(host, session.sessionId, a.cardId)),
      codeOf(sales.pin(staff, session.sessionId, b.cardId)),
    ]);
    expect(codes.sort()).toEqual(['CARD_PIN_LIMIT', 'resolved']);
    expect((await sales.snapshot(session.sessionId))?.cards).toHaveLength(1);
  });

  it('scheduled → live → ended only; an ended session takes its cards down and leaves the live list', async () => {
    let ended = '';
    const sales = new LiveSales(t.store, { onEnded: (id) => (ended = id) });
    const session = await sales.createSession(host, { title: 'States', scheduledAtMs: 1_000 });
    expect(await codeOf(sales.end(host, session.sessionId))).toBe('SESSION_STATE_INVALID');
    const live = await sales.goLive(host, session.sessionId, 5_000);
    expect(live).toMatchObject({ state: 'live', startedAtMs: 5_000, scheduledAtMs: 1_000 });
    expect(await codeOf(sales.goLive(host, session.sessionId))).toBe('SESSION_STATE_INVALID');
    expect((await sales.liveSessions()).find((s) => s.sessionId === session.sessionId)).toEqual({
      sessionId: session.sessionId,
      title: 'States',
      hostPersonId: host.personId,
      startedAtMs: 5_000,
    });
    const card = await sales.createCard(host, session.sessionId, {
      skuId: (await sku(3)).skuId,
      quantity: 3,
    });
    await sales.pin(host, session.sessionId, card.cardId);
    const done = await sales.end(host, session.sessionId, 9_000);
    expect(done).toMatchObject({ state: 'ended', endedAtMs: 9_000 });
    expect(ended).toBe(session.sessionId);
    expect(await codeOf(sales.end(host, session.sessionId))).toBe('SESSION_STATE_INVALID');
    expect(await codeOf(sales.goLive(host, session.sessionId))).toBe('SESSION_STATE_INVALID');
    expect(
      await codeOf(sales.createCard(host, session.sessionId, { skuId: (await sku(1)).skuId, quantity: 1 })),
    ).toBe('SESSION_STATE_INVALID');
    expect((await sales.liveSessions()).some((s) => s.sessionId === session.sessionId)).toBe(false);
    expect((await sales.snapshot(session.sessionId))?.cards).toEqual([]);
    expect((await sales.card(card.cardId))?.state).toBe('unpinned');
    expect(await sales.snapshot('no-such-session')).toBeUndefined();
  });

  it('every change writes its event with the next session sequence and the public card view', async () => {
    const sales = new LiveSales(t.store);
    const orders = testOrders(t.store);
    const session = await sales.createSession(host, { title: 'Events' });
    await sales.goLive(host, session.sessionId);
    const card = await sales.createCard(host, session.sessionId, {
      skuId: (await sku(2)).skuId,
      quantity: 2,
      perMemberLimit: 2,
      priceMinor: 6_600,
    });
    await sales.pin(host, session.sessionId, card.cardId);
    const now = Date.now();
    await sales.countdown(host, session.sessionId, card.cardId, now - 1_000, now + 3_600_000);
    const placed = await orders.place(
      member,
      { cardId: card.cardId, quantity: 2, fulfilment: PICKUP },
      'events-key-1',
    );
    expect(placed.status).toBe(201);
    await sales.end(host, session.sessionId);

    const events = await sessionEvents(t, session.sessionId);
    expect(events.map((e) => e.type)).toEqual([
      'session.created',
      'session.live',
      'card.created',
      'card.pinned',
      'card.updated',
      'order.placed',
      'stock.changed',
      'card.sold_out',
      'session.ended',
    ]);
    expect(events.map((e) => e.sessionSeq)).toEqual(events.map((_, i) => i + 1));
    const byType = Object.fromEntries(events.map((e) => [e.type, e.payload]));
    expect(byType['card.pinned']).toMatchObject({
      card: { cardId: card.cardId, skuId: card.skuId, titles: TITLES, priceMinor: 6_600, currency: 'CNY' },
    });
    expect(byType['card.pinned']!.card).toMatchObject({ remaining: 2, perMemberLimit: 2, state: 'pinned' });
    expect(byType['card.updated']).toMatchObject({
      card: { startsAtMs: now - 1_000, endsAtMs: now + 3_600_000 },
    });
    expect(byType['stock.changed']).toMatchObject({ cardId: card.cardId, remaining: 0 });
    expect(byType['card.sold_out']).toMatchObject({
      cardId: card.cardId,
      card: { cardId: card.cardId, state: 'sold_out', remaining: 0, titles: TITLES },
    });
    expect(byType['order.placed']).toMatchObject({
      personId: member.personId,
      cardId: card.cardId,
      quantity: 2,
      totalMinor: 13_200,
      currency: 'CNY',
      status: 'placed',
    });
  });

  it('snapshots show pinned cards with live stock and countdowns', async () => {
    const { sales, session, card, host: h } = await liveCard(t.store, tokens, { units: 5 });
    const hostActor = { personId: h.person.id, roles: h.person.roles };
    const orders = testOrders(t.store);
    const ends = Date.now() + 600_000;
    await sales.countdown(hostActor, session.sessionId, card.cardId, Date.now() - 1, ends);
    expect(await codeOf(sales.countdown(hostActor, session.sessionId, card.cardId, ends, ends))).toBe(
      'VALIDATION_FAILED',
    );
    await orders.place(member, { cardId: card.cardId, quantity: 2, fulfilment: PICKUP }, 'snap-key-1');
    const snap = await sales.snapshot(session.sessionId);
    expect(snap?.session).toMatchObject({
      sessionId: session.sessionId,
      state: 'live',
      hostPersonId: h.person.id,
    });
    expect(snap?.session.startedAtMs).toEqual(expect.any(Number));
    expect(snap?.cards).toHaveLength(1);
    expect(snap?.cards[0]).toMatchObject({
      cardId: card.cardId,
      remaining: 3,
      endsAtMs: ends,
      state: 'pinned',
    });
  });

  it('a closed countdown window expires the card once, even with two sweepers racing', async () => {
    const { session, card, host: h } = await liveCard(t.store, tokens, { units: 4 });
    const a = new LiveSales(t.store);
    const b = new LiveSales(t.store);
    const hostActor = { personId: h.person.id, roles: h.person.roles };
    const now = Date.now();
    await a.countdown(hostActor, session.sessionId, card.cardId, now - 10_000, now - 5_000);
    const order = await testOrders(t.store).place(
      member,
      { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
      'closed-window-1',
    );
    expect((order.body as { code: string }).code).toBe('CARD_STATE_INVALID');
    const [x, y] = await Promise.all([a.expireDueCards(now), b.expireDueCards(now)]);
    expect(x + y).toBe(1);
    expect((await a.card(card.cardId))?.state).toBe('expired');
    const expired = (await sessionEvents(t, session.sessionId)).filter((e) => e.type === 'card.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]!.payload).toMatchObject({
      cardId: card.cardId,
      // The units left on an expired card went back to the SKU's stock on hand.
      card: { cardId: card.cardId, state: 'expired', remaining: 0 },
    });
    const sku = await t.store.db
      .selectFrom('skus')
      .select('stock_on_hand')
      .where('id', '=', card.skuId)
      .executeTakeFirstOrThrow();
    expect(Number(sku.stock_on_hand)).toBe(4);
    expect(await codeOf(a.pin(hostActor, session.sessionId, card.cardId))).toBe('CARD_STATE_INVALID');
    expect(await codeOf(a.countdown(hostActor, session.sessionId, card.cardId, now, now + 60_000))).toBe(
      'CARD_STATE_INVALID',
    );
  });
});
