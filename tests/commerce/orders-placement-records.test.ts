// What a placement answers and records is the same on both stores, whichever path wrote it (on
// PostgreSQL the batched place_orders() of migration 0025, on SQLite the group commit): the 201 body is
// the order as `get` shows it plus its checkout URL, a retry answers the same body, and the events carry
// the order, the units left and — for the last units — the whole sold-out card. Placements refused in
// the same batch as an order leave nothing of theirs behind.
import { afterAll, describe, expect, it } from 'vitest';
import { webhookProvider } from '../../commerce/internals.ts';
import { openTestStore, STORE_BACKENDS, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

describe.each(STORE_BACKENDS)('placement records ($name)', ({ name }) => {
  let t: TestStore;
  afterAll(() => t?.cleanup());

  it('answers the order as stored, with its events and the sold-out card', async () => {
    t = await openTestStore(name);
    const provider = webhookProvider({
      secret: 'x'.repeat(32),
      reservationMs: 900_000,
      checkoutBaseUrl: 'https://pay.example/',
    });
    const orders = testOrders(t.store, { providers: { webhook: provider }, defaultProvider: 'webhook' });
    const { card, sales } = await liveCard(t.store, tokens, {
      units: 3,
      perMemberLimit: 2,
      priceMinor: 4_200,
    });
    const buyer = (await seedPerson(t.store, tokens)).person;
    const actor = { personId: buyer.id, roles: buyer.roles };
    const other = (await seedPerson(t.store, tokens)).person;
    const otherActor = { personId: other.id, roles: other.roles };

    const small = await liveCard(t.store, tokens, { units: 1, perMemberLimit: 2 });

    // One turn of the event loop, so one batch: an order; the same member again, past the limit once
    // the first holds its units; two units of a card with one left (the holding is taken, then given
    // back); an unknown card.
    const [placed, overLimit, tooFew, unknown] = await Promise.all([
      orders.place(actor, { cardId: card.cardId, quantity: 2, fulfilment: PICKUP }, 'rec-1'),
      orders.place(actor, { cardId: card.cardId, quantity: 2, fulfilment: PICKUP }, 'rec-2'),
      orders.place(otherActor, { cardId: small.card.cardId, quantity: 2, fulfilment: PICKUP }, 'rec-3'),
      orders.place(otherActor, { cardId: 'no-such-card', quantity: 1, fulfilment: PICKUP }, 'rec-4'),
    ]);
    expect(placed.status).toBe(201);
    expect(overLimit.body).toMatchObject({ code: 'ORDER_LIMIT_EXCEEDED', params: { limit: 2 } });
    expect(tooFew.body).toMatchObject({ code: 'CARD_SOLD_OUT' });
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });
    const body = placed.body as { orderId: string; checkoutUrl: string };
    const order = await orders.get(actor, body.orderId);
    expect(body).toEqual({ ...order, checkoutUrl: `https://pay.example/pay/${body.orderId}` });
    expect(order).toMatchObject({ quantity: 2, totalMinor: 8_400, payableMinor: 8_400, status: 'placed' });
    expect(order.reservedUntilMs - order.createdAtMs).toBe(900_000);
    // A retry answers the first answer exactly.
    const again = await orders.place(
      actor,
      { cardId: card.cardId, quantity: 2, fulfilment: PICKUP },
      'rec-1',
    );
    expect(again).toEqual(placed);

    // The last unit: the card sells out.
    const last = await orders.place(
      otherActor,
      { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
      'rec-5',
    );
    expect(last.status).toBe(201);
    const lastOrder = last.body as { orderId: string };

    const events = await t.store.db
      .selectFrom('outbox')
      .select(['type', 'aggregate_id', 'session_seq', 'payload'])
      .where('session_id', '=', card.sessionId)
      .where('type', 'in', ['order.placed', 'stock.changed', 'card.sold_out'])
      .orderBy('id')
      .execute();
    const soldOutCard = await sales.card(card.cardId);
    expect(soldOutCard).toMatchObject({ remaining: 0, state: 'sold_out' });
    expect(
      events.map((e) => ({ type: e.type, aggregateId: e.aggregate_id, payload: JSON.parse(e.payload) })),
    ).toEqual([
      {
        type: 'order.placed',
        aggregateId: body.orderId,
        payload: {
          orderId: body.orderId,
          personId: buyer.id,
          cardId: card.cardId,
          quantity: 2,
          totalMinor: 8_400,
          creditMinor: 0,
          currency: order.currency,
          status: 'placed',
        },
      },
      { type: 'stock.changed', aggregateId: card.cardId, payload: { cardId: card.cardId, remaining: 1 } },
      {
        type: 'order.placed',
        aggregateId: lastOrder.orderId,
        payload: expect.objectContaining({ orderId: lastOrder.orderId, personId: other.id, quantity: 1 }),
      },
      { type: 'stock.changed', aggregateId: card.cardId, payload: { cardId: card.cardId, remaining: 0 } },
      {
        type: 'card.sold_out',
        aggregateId: card.cardId,
        payload: { cardId: card.cardId, remaining: 0, state: 'sold_out', card: soldOutCard },
      },
    ]);
    const seqs = events.map((e) => Number(e.session_seq));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));

    // The refused placements hold nothing: each member holds only what they bought.
    const holdings = await t.store.db
      .selectFrom('card_holdings')
      .select(['person_id', 'quantity'])
      .where('card_id', 'in', [card.cardId, small.card.cardId])
      .orderBy('quantity')
      .execute();
    expect(holdings.map((h) => [h.person_id, Number(h.quantity)])).toEqual([
      [other.id, 1],
      [buyer.id, 2],
    ]);
    const keys = await t.store.db
      .selectFrom('idempotency_keys')
      .select(['key', 'status_code'])
      .where('person_id', 'in', [buyer.id, other.id])
      .orderBy('key')
      .execute();
    // Final refusals are stored as the key's answer; a sold-out is not (units may come back).
    expect(keys.map((k) => [k.key, Number(k.status_code)])).toEqual([
      ['rec-1', 201],
      ['rec-2', 409],
      ['rec-4', 404],
      ['rec-5', 201],
    ]);
    expect(await sales.card(small.card.cardId)).toMatchObject({ remaining: 1, state: 'pinned' });
  }, 60_000);
});

describe('placement batches on PostgreSQL', () => {
  let t: TestStore;
  afterAll(() => t?.cleanup());

  it('a placement the database refuses fails alone, not the others of its batch', async () => {
    t = await openTestStore('postgres');
    const orders = testOrders(t.store);
    const { card } = await liveCard(t.store, tokens, { units: 5, perMemberLimit: 1 });
    const buyers = await Promise.all([1, 2, 3].map(() => seedPerson(t.store, tokens)));
    const place = (i: number, key: string) =>
      orders.place(
        { personId: buyers[i]!.person.id, roles: buyers[i]!.person.roles },
        { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
        key,
      );
    // HTTP and the socket refuse keys over 128 characters; the column does too, inside the batch.
    const [first, tooLong, last] = await Promise.allSettled([
      place(0, 'batch-ok-1'),
      place(1, 'k'.repeat(200)),
      place(2, 'batch-ok-3'),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { status: 201 } });
    expect(tooLong.status).toBe('rejected');
    expect(last).toMatchObject({ status: 'fulfilled', value: { status: 201 } });
    const left = await t.store.db
      .selectFrom('cards')
      .select('remaining')
      .where('id', '=', card.cardId)
      .executeTakeFirstOrThrow();
    expect(Number(left.remaining)).toBe(3);
  }, 60_000);
});
