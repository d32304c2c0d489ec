// A shop on a running node, through its HTTP API: a product (optionally with a photo), a live session
// and its cards, orders placed by members.
import { call, postOk } from './http-call.ts';
import type { LiveNode } from './live-platform.ts';
import type { Seeded } from './people.ts';
import { PICKUP } from './sales.ts';

let seq = 0;

export interface Shop {
  node: LiveNode;
  staff: Seeded;
  host: Seeded;
}

export async function newProduct(
  shop: Shop,
  opts: { stock: number; priceMinor?: number; title?: string },
): Promise<{ productId: string; skuId: string }> {
  const title = opts.title ?? 'Shake';
  const p = await postOk(shop.node.url, shop.staff.token, '/api/products', {
    titles: { en: title, 'zh-Hans': title, 'zh-Hant': title },
    skus: [
      {
        code: `SHOP-${process.pid}-${Date.now()}-${++seq}`,
        priceMinor: opts.priceMinor ?? 5_000,
        currency: 'CNY',
        stock: opts.stock,
      },
    ],
  });
  return { productId: p.productId as string, skuId: (p.skus as Array<{ skuId: string }>)[0]!.skuId };
}

export async function liveSessionOf(shop: Shop): Promise<string> {
  const sessionId = (await postOk(shop.node.url, shop.host.token, '/api/live-sessions', { title: 'Shop' }))
    .sessionId as string;
  await postOk(shop.node.url, shop.host.token, `/api/live-sessions/${sessionId}/go-live`);
  return sessionId;
}

export async function newCard(
  shop: Shop,
  sessionId: string,
  skuId: string,
  quantity: number,
  priceMinor?: number,
): Promise<string> {
  const card = await postOk(shop.node.url, shop.host.token, `/api/live-sessions/${sessionId}/cards`, {
    skuId,
    quantity,
    perMemberLimit: 10,
    ...(priceMinor === undefined ? {} : { priceMinor }),
  });
  return card.cardId as string;
}

export function cardAction(shop: Shop, sessionId: string, cardId: string, action: 'pin' | 'unpin') {
  return postOk(shop.node.url, shop.host.token, `/api/live-sessions/${sessionId}/cards/${cardId}/${action}`);
}

export async function placeOrder(
  shop: Shop,
  buyer: Seeded,
  cardId: string,
  quantity: number,
  provider: 'manual' | 'webhook' = 'manual',
) {
  return call(shop.node.url, 'POST', '/api/orders', {
    token: buyer.token,
    headers: { 'idempotency-key': `shop-${Date.now()}-${++seq}` },
    body: { cardId, quantity, provider, fulfilment: PICKUP },
  });
}

export async function cardsOf(shop: Shop, sessionId: string) {
  return (
    await call(shop.node.url, 'GET', `/api/live-sessions/${sessionId}/cards`, { token: shop.host.token })
  ).body as unknown as Array<{ cardId: string; state: string; remaining: number }>;
}
