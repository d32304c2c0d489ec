// The "open card" rule and the bag, on both stores: a card pinned at least once stays buyable from the bag
// while its session is live (pinned now or unpinned since), with its remaining units; a draft card, an
// expired card and any card of an ended session are not. The bag lists the cards pinned at least once,
// pinned now first, with live and list prices, units left and bought, and the product photo; a draft
// card (and its price) never appears in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { png } from '../helpers/images.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';
import {
  cardAction,
  cardsOf,
  liveSessionOf,
  newCard,
  newProduct,
  placeOrder,
  type Shop,
} from '../helpers/shop.ts';

const tokens = testTokens();

interface BagBody {
  sessionState: string;
  items: Array<{
    cardId: string;
    priceMinor: number;
    listPriceMinor: number;
    remaining: number;
    bought: number;
    pinnedNow: boolean;
    buyable: boolean;
    image: Record<string, string> | null;
  }>;
}

describe.each([{ name: 'sqlite' }, { name: 'postgres' }])('open cards and the bag on $name', ({ name }) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  let shop: Shop;

  beforeAll(async () => {
    const env: Record<string, string> = { ORDERS_PER_MEMBER_PER_MIN: '1000', SALES_MAX_PINNED: '1' };
    if (name === 'postgres') {
      pg = await createScratchDatabase();
      env.DATABASE_URL = pg.url;
    }
    node = await startLiveNode(env);
    shop = {
      node,
      staff: await seedPerson(node.platform.store, tokens, { roles: ['staff'] }),
      host: await seedPerson(node.platform.store, tokens, { roles: ['host'] }),
    };
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    await pg?.drop();
  });

  const bag = async (sessionId: string) =>
    (await call(node.url, 'GET', `/api/live-sessions/${sessionId}/bag`)).body as unknown as BagBody;

  it('a card unpinned after its pin stays buyable with its remaining units, down to sold out', async () => {
    const { skuId } = await newProduct(shop, { stock: 10 });
    const sessionId = await liveSessionOf(shop);
    const earlier = await newCard(shop, sessionId, skuId, 3);
    await cardAction(shop, sessionId, earlier, 'pin');
    await cardAction(shop, sessionId, earlier, 'unpin');
    const buyer = await seedPerson(node.platform.store, tokens);
    const first = await placeOrder(shop, buyer, earlier, 2);
    expect(first.status).toBe(201);
    expect((await cardsOf(shop, sessionId)).find((c) => c.cardId === earlier)).toMatchObject({
      state: 'unpinned',
      remaining: 1,
    });
    expect((await placeOrder(shop, buyer, earlier, 2)).body.code).toBe('CARD_SOLD_OUT');
    expect((await placeOrder(shop, buyer, earlier, 1)).status).toBe(201);
    expect((await cardsOf(shop, sessionId)).find((c) => c.cardId === earlier)).toMatchObject({
      state: 'sold_out',
      remaining: 0,
    });
  });

  it('a draft, an expired card and the cards of an ended session refuse orders', async () => {
    const { skuId } = await newProduct(shop, { stock: 10 });
    const sessionId = await liveSessionOf(shop);
    const buyer = await seedPerson(node.platform.store, tokens);
    const draft = await newCard(shop, sessionId, skuId, 2);
    expect((await placeOrder(shop, buyer, draft, 1)).body).toMatchObject({
      code: 'CARD_STATE_INVALID',
      params: { state: 'draft' },
    });
    const closed = await newCard(shop, sessionId, skuId, 2);
    await cardAction(shop, sessionId, closed, 'pin');
    await cardAction(shop, sessionId, closed, 'unpin');
    const now = Date.now();
    await postOk(node.url, shop.host.token, `/api/live-sessions/${sessionId}/cards/${closed}/countdown`, {
      startsAtMs: now - 60_000,
      endsAtMs: now - 1,
    });
    expect((await placeOrder(shop, buyer, closed, 1)).body.code).toBe('CARD_STATE_INVALID');
    const open = await newCard(shop, sessionId, skuId, 2);
    await cardAction(shop, sessionId, open, 'pin');
    await cardAction(shop, sessionId, open, 'unpin');
    await postOk(node.url, shop.host.token, `/api/live-sessions/${sessionId}/end`);
    expect((await placeOrder(shop, buyer, open, 1)).body.code).toBe('SESSION_STATE_INVALID');
    expect((await bag(sessionId)).items.every((i) => !i.buyable)).toBe(true);
  });

  it('the bag lists cards pinned at least once, pinned now first, and never a draft or its price', async () => {
    const { productId, skuId } = await newProduct(shop, { stock: 20, priceMinor: 9_900 });
    const photo = await fetch(`${node.url}/api/products/${productId}/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shop.staff.token}`, 'content-type': 'image/png' },
      body: await png(400, 300),
    });
    expect(photo.status).toBe(201);
    const urls = ((await photo.json()) as { urls: Record<string, string> }).urls;
    const sessionId = await liveSessionOf(shop);
    const older = await newCard(shop, sessionId, skuId, 4, 7_900);
    await cardAction(shop, sessionId, older, 'pin');
    await cardAction(shop, sessionId, older, 'unpin');
    const current = await newCard(shop, sessionId, skuId, 3, 8_900);
    await cardAction(shop, sessionId, current, 'pin');
    // A distinctive price that must not leak while the card is a draft.
    const draft = await newCard(shop, sessionId, skuId, 2, 4_321);
    const buyer = await seedPerson(node.platform.store, tokens);
    expect((await placeOrder(shop, buyer, older, 3)).status).toBe(201);

    const res = await call(node.url, 'GET', `/api/live-sessions/${sessionId}/bag`);
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(draft);
    expect(text).not.toContain('4321');
    const body = res.body as unknown as BagBody;
    expect(body.sessionState).toBe('live');
    expect(body.items.map((i) => i.cardId)).toEqual([current, older]);
    expect(body.items[0]).toMatchObject({
      pinnedNow: true,
      buyable: true,
      priceMinor: 8_900,
      remaining: 3,
      bought: 0,
    });
    expect(body.items[1]).toMatchObject({
      pinnedNow: false,
      buyable: true,
      priceMinor: 7_900,
      listPriceMinor: 9_900,
      remaining: 1,
      bought: 3,
      image: urls,
    });
    // Once pinned, the former draft joins the bag (the host chose to show it).
    await cardAction(shop, sessionId, current, 'unpin');
    await cardAction(shop, sessionId, draft, 'pin');
    expect((await bag(sessionId)).items.map((i) => i.cardId)).toEqual([draft, current, older]);
  });

  it('an unknown session has no bag', async () => {
    const res = await call(node.url, 'GET', '/api/live-sessions/no-such-session/bag');
    expect(res.body.code).toBe('NOT_FOUND');
  });
});
