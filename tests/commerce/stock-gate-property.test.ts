// Property: whatever members do — new orders, replays of a key, a key reused with another body, requests
// over the per-member limit, placements that fail inside the transaction, cancellations and refunds, one
// at a time or several at once — whenever nothing is in flight the gate agrees with the database: the
// Redis counter is absent or equals the card's remaining units (the in-process gate reports sold out only
// when nothing remains), and sold + remaining = allotted + returned.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  LocalStockGate,
  type Orders,
  RedisStockGate,
  type StockGate,
} from '../../commerce/internals.ts';
import { testLogger } from '../helpers/logger.ts';
import { openTestStore, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const UNITS = 12;
const LIMIT = 4;
const MEMBERS = 3;

type Op =
  | { kind: 'place'; member: number; key: number; quantity: number; failing: boolean }
  | { kind: 'burst'; places: Array<{ member: number; key: number; quantity: number }> }
  | { kind: 'cancel'; pick: number }
  | { kind: 'refund'; pick: number };

const place = fc.record({
  member: fc.integer({ min: 0, max: MEMBERS - 1 }),
  key: fc.integer({ min: 0, max: 4 }),
  quantity: fc.integer({ min: 1, max: 6 }),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: place.chain((p) => fc.boolean().map((failing) => ({ kind: 'place' as const, ...p, failing }))),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(place, { minLength: 2, maxLength: 8 })
      .map((places) => ({ kind: 'burst' as const, places })),
  },
  { weight: 2, arbitrary: fc.nat(50).map((pick) => ({ kind: 'cancel' as const, pick })) },
  { weight: 1, arbitrary: fc.nat(50).map((pick) => ({ kind: 'refund' as const, pick })) },
);

describe.each([{ gate: 'redis' }, { gate: 'in-process' }])(
  'stock gate property ($gate)',
  ({ gate: kind }) => {
    let t: TestStore;
    let redis: Redis | undefined;
    const prefix = `t:gate-prop:${randomUUID()}:`;

    beforeAll(async () => {
      t = await openTestStore('sqlite');
      if (kind === 'redis') redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    }, 30_000);
    afterAll(async () => {
      if (redis) {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
      await t?.cleanup();
    });

    async function check(gate: StockGate, cardId: string) {
      const db = t.store.db;
      const card = await db
        .selectFrom('cards')
        .select('remaining')
        .where('id', '=', cardId)
        .executeTakeFirstOrThrow();
      const remaining = Number(card.remaining);
      const orders = await db
        .selectFrom('orders')
        .select(['quantity', 'status'])
        .where('card_id', '=', cardId)
        .execute();
      const sold = orders.reduce((n, o) => n + Number(o.quantity), 0);
      const returned = orders
        .filter((o) => o.status === 'cancelled' || o.status === 'refunded')
        .reduce((n, o) => n + Number(o.quantity), 0);
      expect(sold + remaining).toBe(UNITS + returned);
      if (redis) {
        const n = await redis.hget(`${prefix}${cardId}`, 'n');
        if (n !== null) expect(Number(n)).toBe(remaining);
      } else if ((await gate.check(cardId, 1)) === 'sold_out') {
        expect(remaining).toBe(0);
      }
    }

    it('gate and database agree whenever nothing is in flight', async () => {
      const staff = await seedPerson(t.store, tokens, { roles: ['staff'] });
      const staffActor: Actor = { personId: staff.person.id, roles: staff.person.roles };
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
          const gate: StockGate = redis
            ? new RedisStockGate({ redis, logger: testLogger, prefix })
            : new LocalStockGate({ ttlMs: 60_000 });
          const orders: Orders = testOrders(t.store, { gate });
          const { card } = await liveCard(t.store, tokens, { units: UNITS, perMemberLimit: LIMIT });
          const members: Actor[] = [];
          for (let i = 0; i < MEMBERS; i++) {
            const m = await seedPerson(t.store, tokens);
            members.push({ personId: m.person.id, roles: m.person.roles });
          }
          const attempt = (p: { member: number; key: number; quantity: number }, failing = false) =>
            orders.place(
              members[p.member]!,
              {
                cardId: card.cardId,
                quantity: p.quantity,
                fulfilment: PICKUP,
                // No credit is configured: redeeming fails inside the transaction, after the units were taken.
                ...(failing ? { redeemCreditMinor: 100 } : {}),
              },
              `key-${card.cardId}-${p.key}`,
            );
          const placed = async () =>
            (
              await t.store.db
                .selectFrom('orders')
                .select(['id', 'status'])
                .where('card_id', '=', card.cardId)
                .orderBy('created_at_ms')
                .orderBy('id')
                .execute()
            ).map((o) => ({ id: o.id, status: o.status }));
          for (const o of ops) {
            if (o.kind === 'place') await attempt(o, o.failing);
            else if (o.kind === 'burst') await Promise.all(o.places.map((p) => attempt(p)));
            else {
              const all = (await placed()).filter((x) => x.status === 'placed');
              const target = all[o.pick % Math.max(1, all.length)];
              if (target && o.kind === 'cancel') await orders.cancel(staffActor, target.id);
              if (target && o.kind === 'refund') {
                await orders.confirmManualPayment(staffActor, target.id);
                await orders.refund(staffActor, target.id);
              }
            }
            await check(gate, card.cardId);
          }
        }),
        { numRuns: 30 },
      );
    }, 240_000);
  },
);
