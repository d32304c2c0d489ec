// No oversell, ever: 1,000 members race for a card with 100 units on each store backend and through the
// Redis gate — including a Redis that is restarted mid-sale. Per-member limits and idempotency under
// concurrency on the same real stores.
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type PlaceOrderReply, RedisStockGate, type StockGate } from '../../commerce/internals.ts';
import { RedisServer } from '../../loadtest/clients/redis-server.ts';
import { testLogger } from '../helpers/logger.ts';
import { openTestStore, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

async function seedBuyers(t: TestStore, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push((await seedPerson(t.store, tokens)).person);
  return out;
}

function tally(replies: PlaceOrderReply[]) {
  const counts = new Map<string, number>();
  for (const r of replies) {
    const k = r.status === 201 ? 'ordered' : String((r.body as { code: string }).code);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return Object.fromEntries(counts);
}

async function ordersOnCard(t: TestStore, cardId: string): Promise<number> {
  const r = await t.store.db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('card_id', '=', cardId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function remaining(t: TestStore, cardId: string): Promise<number> {
  const r = await t.store.db
    .selectFrom('cards')
    .select('remaining')
    .where('id', '=', cardId)
    .executeTakeFirstOrThrow();
  return Number(r.remaining);
}

/** What the placements left behind besides orders: holdings, events, and the session's sequence. */
async function sideEffects(t: TestStore, cardId: string, sessionId: string) {
  const held = await t.store.db
    .selectFrom('card_holdings')
    .select((eb) => eb.fn.sum<number>('quantity').as('q'))
    .where('card_id', '=', cardId)
    .executeTakeFirstOrThrow();
  const events = await t.store.db
    .selectFrom('outbox')
    .select(['type', 'aggregate_id', 'session_seq'])
    .where('session_id', '=', sessionId)
    .orderBy('id')
    .execute();
  const count = (type: string) => events.filter((e) => e.type === type).length;
  const seqs = events.map((e) => Number(e.session_seq));
  return {
    held: Number(held.q),
    placed: count('order.placed'),
    stockChanged: events.filter((e) => e.type === 'stock.changed' && e.aggregate_id === cardId).length,
    soldOut: count('card.sold_out'),
    // Outbox order and session order agree, with no gaps.
    seqsInOrder: seqs.every((q, i) => i === 0 || q === seqs[i - 1]! + 1),
  };
}

const cases: Array<{ name: string; dialect: 'sqlite' | 'postgres'; redis: boolean }> = [
  { name: 'SQLite, in-process gate', dialect: 'sqlite', redis: false },
  { name: 'PostgreSQL, in-process gate', dialect: 'postgres', redis: false },
  { name: 'PostgreSQL, Redis gate', dialect: 'postgres', redis: true },
];

describe.each(cases)('oversell: $name', ({ dialect, redis }) => {
  let t: TestStore;
  const server = new RedisServer();
  let client: Redis | undefined;
  afterAll(async () => {
    client?.disconnect();
    await server.stop();
    await t?.cleanup();
  });

  it('1,000 concurrent attempts for 100 units: exactly 100 orders, 900 CARD_SOLD_OUT, stock 0', async () => {
    t = await openTestStore(dialect);
    let gate: StockGate | undefined;
    if (redis) {
      await server.start();
      client = server.client();
      gate = new RedisStockGate({ redis: client, logger: testLogger, prefix: `t:${Date.now()}:` });
    }
    const orders = testOrders(t.store, gate ? { gate } : {});
    const { card } = await liveCard(t.store, tokens, { units: 100, perMemberLimit: 1 });
    const buyers = await seedBuyers(t, 1000);
    const replies = await Promise.all(
      buyers.map((b, i) =>
        orders.place(
          { personId: b.id, roles: b.roles },
          { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
          `k-${i}-abcdef`,
        ),
      ),
    );
    expect(tally(replies)).toEqual({ ordered: 100, CARD_SOLD_OUT: 900 });
    expect(await ordersOnCard(t, card.cardId)).toBe(100);
    expect(await remaining(t, card.cardId)).toBe(0);
    // Attempts turned away after taking a holding left nothing behind.
    expect(await sideEffects(t, card.cardId, card.sessionId)).toEqual({
      held: 100,
      placed: 100,
      stockChanged: 100,
      soldOut: 1,
      seqsInOrder: true,
    });
  }, 120_000);

  it.runIf(redis)(
    'a Redis restart mid-sale never oversells',
    async () => {
      const orders = testOrders(t.store, {
        gate: new RedisStockGate({
          redis: client!,
          logger: testLogger,
          prefix: `t2:${Date.now()}:`,
          timeoutMs: 100,
        }),
      });
      const { card } = await liveCard(t.store, tokens, { units: 100, perMemberLimit: 1 });
      const buyers = await seedBuyers(t, 1000);
      const attempt = (i: number) =>
        orders.place(
          { personId: buyers[i]!.id, roles: buyers[i]!.roles },
          { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
          `r-${i}-abcdef`,
        );
      const first = await Promise.all(buyers.slice(0, 300).map((_, i) => attempt(i)));
      // Redis dies (losing every gate counter) and comes back empty while the sale goes on.
      await server.stop();
      const during = await Promise.all(buyers.slice(300, 600).map((_, i) => attempt(300 + i)));
      await server.start();
      const after = await Promise.all(buyers.slice(600).map((_, i) => attempt(600 + i)));
      const all = tally([...first, ...during, ...after]);
      expect(all.ordered).toBe(100);
      expect(all.CARD_SOLD_OUT).toBe(900);
      expect(await ordersOnCard(t, card.cardId)).toBe(100);
      expect(await remaining(t, card.cardId)).toBe(0);
    },
    120_000,
  );
});

describe.each([{ dialect: 'sqlite' as const }, { dialect: 'postgres' as const }])(
  'limits and idempotency under concurrency: $dialect',
  ({ dialect }) => {
    let t: TestStore;
    afterAll(() => t?.cleanup());

    it('one member, 50 concurrent attempts, limit 3: exactly 3 units bought', async () => {
      t = await openTestStore(dialect);
      const orders = testOrders(t.store);
      const { card } = await liveCard(t.store, tokens, { units: 100, perMemberLimit: 3 });
      const [buyer] = await seedBuyers(t, 1);
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          orders.place(
            { personId: buyer!.id, roles: buyer!.roles },
            { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
            `l-${i}-abcdef`,
          ),
        ),
      );
      expect(tally(replies)).toEqual({ ordered: 3, ORDER_LIMIT_EXCEEDED: 47 });
      expect(await remaining(t, card.cardId)).toBe(97);
      expect((await sideEffects(t, card.cardId, card.sessionId)).held).toBe(3);
    }, 60_000);

    it('attempts refused after taking a holding leave nothing behind (2 units each, 5 on the card)', async () => {
      const orders = testOrders(t.store);
      const { card } = await liveCard(t.store, tokens, { units: 5, perMemberLimit: 2 });
      const buyers = await seedBuyers(t, 10);
      const replies = await Promise.all(
        buyers.map((b, i) =>
          orders.place(
            { personId: b.id, roles: b.roles },
            { cardId: card.cardId, quantity: 2, fulfilment: PICKUP },
            `h-${i}-abcdef`,
          ),
        ),
      );
      expect(tally(replies)).toEqual({ ordered: 2, CARD_SOLD_OUT: 8 });
      expect(await remaining(t, card.cardId)).toBe(1);
      const after = await sideEffects(t, card.cardId, card.sessionId);
      expect(after).toMatchObject({ held: 4, placed: 2, stockChanged: 2, soldOut: 0, seqsInOrder: true });
    }, 60_000);

    it('20 concurrent identical requests: one order, 20 identical responses; another body is refused', async () => {
      const orders = testOrders(t.store);
      const { card } = await liveCard(t.store, tokens, { units: 10 });
      const [buyer] = await seedBuyers(t, 1);
      const actor = { personId: buyer!.id, roles: buyer!.roles };
      const body = { cardId: card.cardId, quantity: 2, fulfilment: PICKUP };
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => orders.place(actor, body, 'same-key-123')),
      );
      expect(replies[0]!.status).toBe(201);
      for (const r of replies) expect(JSON.stringify(r)).toBe(JSON.stringify(replies[0]));
      expect(await ordersOnCard(t, card.cardId)).toBe(1);
      // Later, from a "different process" (no in-flight entry): still the stored answer.
      expect(JSON.stringify(await orders.place(actor, { ...body }, 'same-key-123'))).toBe(
        JSON.stringify(replies[0]),
      );
      const reused = await orders.place(actor, { ...body, quantity: 1 }, 'same-key-123');
      expect(reused.status).toBe(422);
      expect((reused.body as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await ordersOnCard(t, card.cardId)).toBe(1);
      expect(await remaining(t, card.cardId)).toBe(8);
    }, 60_000);

    it('after a sell-out and a restart, a retried key still gets its stored 201; a new key gets CARD_SOLD_OUT', async () => {
      const { card } = await liveCard(t.store, tokens, { units: 1 });
      const [winner, late] = await seedBuyers(t, 2);
      const body = { cardId: card.cardId, quantity: 1, fulfilment: PICKUP };
      const first = await testOrders(t.store).place(
        { personId: winner!.id, roles: winner!.roles },
        body,
        'win-key-1',
      );
      expect(first.status).toBe(201);
      // A new Orders, as after a restart: what it knows of stored keys comes from the store.
      const restarted = testOrders(t.store);
      const lateReply = await restarted.place({ personId: late!.id, roles: late!.roles }, body, 'late-key-1');
      expect((lateReply.body as { code: string }).code).toBe('CARD_SOLD_OUT');
      // The gate now says sold out; the retry must still be answered from the stored reply.
      const retried = await restarted.place(
        { personId: winner!.id, roles: winner!.roles },
        body,
        'win-key-1',
      );
      expect(JSON.stringify(retried)).toBe(JSON.stringify(first));
      expect(await ordersOnCard(t, card.cardId)).toBe(1);
    }, 60_000);
  },
);
