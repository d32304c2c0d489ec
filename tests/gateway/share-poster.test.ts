// Share posters on a whole node: the QR code (decoded from the PNG's pixels with jsQR) opens the session
// with the sharer's ref and ch; a zh-Hant poster draws its title's glyphs, not missing-glyph boxes; an
// order placed after following the poster's link credits the sharer; posters are cached and revalidated.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import jsQRModule from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPoster, TITLE_BOX } from '../../gateway/posters/poster-render.ts';
import { registered } from '../helpers/accounts.ts';
import { settle } from '../helpers/attribution-scenario.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { entriesOfOrder } from '../helpers/ledger.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';
import { PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();
// jsqr ships CommonJS with a `default` export: under Node's ESM interop the function is that property.
type Decode = typeof jsQRModule.default;
const jsQR: Decode =
  (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

async function pixels(png: Buffer) {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  return g.getImageData(0, 0, img.width, img.height);
}

/** The title box's RGBA bytes. */
async function titleArea(png: Buffer): Promise<Uint8ClampedArray> {
  const img = await pixels(png);
  const { x, y, width, height } = TITLE_BOX;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * img.width + x) * 4;
    out.set(img.data.subarray(start, start + width * 4), row * width * 4);
  }
  return out;
}

/** Pixels (of 4 bytes) that differ. */
function differing(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4)
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
  return n;
}

async function poster(url: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, { headers });
  return { res, png: Buffer.from(await res.arrayBuffer()) };
}

describe('share posters', () => {
  let node: LiveNode;
  let staff: Seeded;
  let host: Seeded;
  let sessionId: string;
  let otherSessionId: string;

  beforeAll(async () => {
    node = await startLiveNode();
    const { store } = node.platform;
    staff = await seedPerson(store, tokens, { roles: ['staff'] });
    host = await seedPerson(store, tokens, { roles: ['host'], displayName: '林老師' });
    const at = Date.now() + 2 * 24 * 3_600_000;
    sessionId = (
      await postOk(node.url, host.token, '/api/live-sessions', { title: '春季健康講座', scheduledAtMs: at })
    ).sessionId as string;
    otherSessionId = (
      await postOk(node.url, host.token, '/api/live-sessions', { title: '體脂計劃直播', scheduledAtMs: at })
    ).sessionId as string;
  }, 60_000);
  afterAll(async () => {
    await node?.close();
  });

  it('encodes the session link with the sharer’s ref and ch in a QR code jsQR reads', async () => {
    const { res, png } = await poster(
      node.url,
      `/api/live-sessions/${sessionId}/poster.png?ref=ABCD2345&ch=XYZW6789&lang=zh-Hant`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const img = await pixels(png);
    const qr = jsQR(img.data, img.width, img.height);
    expect(qr).not.toBeNull();
    const link = new URL(qr!.data);
    expect(link.origin).toBe(node.url);
    expect(link.pathname).toBe(`/live/${sessionId}`);
    expect(link.searchParams.get('ref')).toBe('ABCD2345');
    expect(link.searchParams.get('ch')).toBe('XYZW6789');
  });

  it('draws the zh-Hant title’s glyphs, which missing-glyph boxes would not', async () => {
    const a = await titleArea(
      (await poster(node.url, `/api/live-sessions/${sessionId}/poster.png?lang=zh-Hant`)).png,
    );
    const b = await titleArea(
      (await poster(node.url, `/api/live-sessions/${otherSessionId}/poster.png?lang=zh-Hant`)).png,
    );
    // Missing glyphs: private-use characters no font has, drawn by a Latin font, give the .notdef box.
    const tofu = (text: string) =>
      renderPoster(
        {
          title: text,
          hostName: 'x',
          state: 'scheduled',
          scheduledAtMs: null,
          link: 'http://127.0.0.1/',
          lang: 'zh-Hant',
          timeZone: 'UTC',
        },
        '"DejaVu Sans"',
      );
    const boxesA = await titleArea(await tofu('\uE000\uE001\uE002\uE003\uE004\uE005'));
    const boxesB = await titleArea(await tofu('\uE010\uE011\uE012\uE013\uE014\uE015'));
    // Boxes are all alike: two six-character titles drawn as boxes cannot be told apart…
    expect(differing(boxesA, boxesB)).toBe(0);
    // …while the poster's two titles differ, and neither is a row of boxes.
    expect(differing(a, b)).toBeGreaterThan(1_000);
    expect(differing(a, boxesA)).toBeGreaterThan(1_000);
    // Something is drawn at all: the title area is not the plain background.
    const background = a.subarray(0, 4);
    let inked = 0;
    for (let i = 0; i < a.length; i += 4) if (a[i] !== background[0]) inked++;
    expect(inked).toBeGreaterThan(2_000);
  });

  it('serves a repeated poster from its cache and answers 304 to its ETag', async () => {
    const path = `/api/live-sessions/${sessionId}/poster.png?ref=CACHE234&lang=en&tz=Europe/London`;
    const t0 = performance.now();
    const first = await poster(node.url, path);
    const rendered = performance.now() - t0;
    const t1 = performance.now();
    const second = await poster(node.url, path);
    const cached = performance.now() - t1;
    expect(second.png.equals(first.png)).toBe(true);
    const etag = first.res.headers.get('etag')!;
    expect(second.res.headers.get('etag')).toBe(etag);
    const again = await poster(node.url, path, { 'if-none-match': etag });
    expect(again.res.status).toBe(304);
    console.log(JSON.stringify({ posterRenderMs: Math.round(rendered), posterCachedMs: Math.round(cached) }));
  });

  it('credits the sharer for an order placed by someone who followed the poster’s link', async () => {
    const bob = await registered(
      node.url,
      { mailbox: node.mailbox },
      {
        displayName: 'Bob',
        email: 'bob-poster@example.test',
        password: 'correct horse 1',
      },
    );
    const { png } = await poster(
      node.url,
      `/api/live-sessions/${sessionId}/poster.png?ref=${bob.person.referralCode}&lang=zh-Hant`,
    );
    const img = await pixels(png);
    const link = new URL(jsQR(img.data, img.width, img.height)!.data);
    // The session page hands the link's ref to registration (as its referral code), as /live does.
    const alice = await registered(
      node.url,
      { mailbox: node.mailbox },
      {
        displayName: 'Alice',
        email: 'alice-poster@example.test',
        password: 'correct horse 1',
        referralCode: link.searchParams.get('ref')!,
      },
    );

    const product = await postOk(node.url, staff.token, '/api/products', {
      titles: { en: 'Body-fat programme', 'zh-Hans': '体脂计划', 'zh-Hant': '體脂計劃' },
      skus: [{ code: 'POSTER-BF-1', priceMinor: 19_900, currency: 'CNY', stock: 10 }],
    });
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const card = await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
      skuId,
      quantity: 5,
    });
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${card.cardId}/pin`);
    const order = await call(node.url, 'POST', '/api/orders', {
      token: alice.accessToken,
      headers: { 'idempotency-key': 'poster-order-1' },
      body: { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
    });
    expect(order.status).toBe(201);
    const orderId = order.body.orderId as string;
    await postOk(node.url, staff.token, `/api/orders/${orderId}/confirm-payment`);
    await settle(node);
    const entries = await entriesOfOrder(node.platform.store, orderId);
    expect(entries).toContainEqual(
      expect.objectContaining({ accountKind: 'person', accountId: bob.person.id }),
    );
  });
});
