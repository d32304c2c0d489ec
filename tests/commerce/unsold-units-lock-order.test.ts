// Ending a session returns the units left on its cards to stock while the expiry sweeper may be doing the
// same for one of those cards. On PostgreSQL the two used to lock card and SKU rows in opposite orders: the
// end held the SKU and waited for a card the sweeper held, the sweeper then waited for the SKU, and the
// server killed one of them as a deadlock (a 500 on POST /end). Cards are now locked before SKUs.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog, LiveSales } from '../../commerce/internals.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { openTestStore, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe('returning unsold units on PostgreSQL', () => {
  let t: TestStore | undefined;
  afterAll(() => t?.cleanup());

  it('an end racing a card expiry on the same SKU completes both, with every unit back in stock', async () => {
    t = await openTestStore('postgres');
    const { store } = t;
    const sales = new LiveSales(store);
    const catalog = new Catalog(store);
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const actor = { personId: host.person.id, roles: host.person.roles };
    const product = await catalog.create({
      titles: { en: 'Scale', 'zh-Hans': '体脂秤', 'zh-Hant': '體脂秤' },
      tags: [],
      skus: [{ code: `LOCK-${Date.now()}`, priceMinor: 9_900, currency: 'CNY', stock: 10 }],
    });
    const skuId = product.skus[0]!.skuId;
    const session = await sales.createSession(actor, { title: 'Lock order' });
    await sales.goLive(actor, session.sessionId);
    const cards = [];
    for (let i = 0; i < 4; i++) {
      cards.push(await sales.createCard(actor, session.sessionId, { skuId, quantity: 2, perMemberLimit: 1 }));
    }
    // The sweeper's side takes a card that is neither the first created nor the first by id, so that the
    // end has handled another card (and, with the old order, locked the SKU) before it reaches this one,
    // whether the server reads the cards in table order or in key order.
    const firstById = [...cards].sort((a, b) => (a.cardId < b.cardId ? -1 : 1))[0]!;
    const held = cards.slice(1).find((c) => c !== firstById)!;
    const waiting = async () => {
      const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(store.db);
      return r.rows[0]!.n > 0;
    };

    let ended: Promise<unknown> | undefined;
    await store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('cards')
        .set({ state: 'expired', remaining: 0, updated_at_ms: Date.now() })
        .where('id', '=', held.cardId)
        .execute();
      ended = sales.end(actor, session.sessionId).catch((err: unknown) => err);
      await waitFor(waiting, { what: 'the end to wait for the held card' });
      await trx
        .updateTable('skus')
        .set({ stock_on_hand: sql`stock_on_hand + 2` })
        .where('id', '=', skuId)
        .execute();
    });
    const result = await ended;
    expect(result).not.toBeInstanceOf(Error);
    expect((result as { state: string }).state).toBe('ended');
    const sku = await store.db
      .selectFrom('skus')
      .select('stock_on_hand')
      .where('id', '=', skuId)
      .executeTakeFirstOrThrow();
    expect(Number(sku.stock_on_hand)).toBe(10);
  });
});
