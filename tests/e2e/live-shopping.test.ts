// Live shopping in a real browser: a host goes live from the console with the fake camera and adds a card
// at a live price; on a 360 px phone the video fills the screen with the header, cards, chat and side
// buttons over it (a landscape stream shown whole over its blurred copy); a visitor's buy sheet opens on
// "create an account" with "log in" one tap away, and signing in there does not move the video; pickup
// takes a clinic from the clinic records; the confirmation shows over the video; the bag lists the card
// with its prices and "1 bought"; follow and share work; the host's sales panel counts the order and its
// feed names the buyer. Screenshots go to test-output/live-*.png.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../loadtest/clients/browser.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';
import { FRAMES_DECODED, ok, screenshot, startWebNode, until, type WebNode } from '../helpers/web-apps.ts';

const PASSWORD = 'live-shopping-password-1';
const PHONE = { width: 360, height: 740 };

type Box = { x: number; y: number; width: number; height: number };
const boxOf = async (page: Page, selector: string): Promise<Box> => {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} has no box`);
  return box;
};
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 1 &&
  inner.y >= outer.y - 1 &&
  inner.x + inner.width <= outer.x + outer.width + 1 &&
  inner.y + inner.height <= outer.y + outer.height + 1;

describe('live shopping at 360 px', () => {
  let node: WebNode;
  let browser: Browser;
  let staffToken = '';
  let buyerRef = '';
  let sessionId = '';
  let clinicB = '';
  let host: Page;
  let viewer: Page;
  const contexts: BrowserContext[] = [];

  async function page(viewport: { width: number; height: number }): Promise<Page> {
    const ctx = await browser.newContext({ viewport, locale: 'en-US', hasTouch: viewport.width < 600 });
    ctx.setDefaultTimeout(60_000);
    contexts.push(ctx);
    return ctx.newPage();
  }

  beforeAll(async () => {
    node = await startWebNode();
    const tokens = testTokens();
    const store = node.platform.store;
    staffToken = (await seedPerson(store, tokens, { roles: ['staff'] })).token;
    const hostSeed = await seedPerson(store, tokens, {
      roles: ['host'],
      email: 'live-host@shop.test',
      password: PASSWORD,
      displayName: 'Host Lin',
    });
    const buyer = await seedPerson(store, tokens, {
      email: 'live-buyer@shop.test',
      password: PASSWORD,
      displayName: 'Mei Chen',
    });
    buyerRef = buyer.person.referralCode;
    await ok(node.url, 'POST', '/api/products', staffToken, {
      titles: { en: 'Matcha protein', 'zh-Hans': '抹茶蛋白粉', 'zh-Hant': '抹茶蛋白粉' },
      skus: [{ code: `MATCHA-${process.pid}`, priceMinor: 19_900, currency: 'CNY', stock: 50 }],
    });
    const clinic = (en: string, address: string) =>
      ok<{ clinicId: string }>(node.url, 'POST', '/api/clinics', staffToken, {
        name: { en, 'zh-Hans': en, 'zh-Hant': en },
        address: { en: address, 'zh-Hans': address, 'zh-Hant': address },
        openingHours: [{ weekday: 1, fromMin: 540, toMin: 1080 }],
      });
    await clinic('East clinic', '1 East Road');
    clinicB = (await clinic('West clinic', '9 West Street')).clinicId;
    sessionId = (
      await ok<{ sessionId: string }>(node.url, 'POST', '/api/live-sessions', hostSeed.token, {
        title: 'Matcha night',
      })
    ).sessionId;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await node?.close();
  });

  it('the host adds a card at a live price, sees the stock it took, and goes live', async () => {
    host = await page({ width: 1280, height: 900 });
    await host.goto(`${node.url}/host`);
    await host.getByLabel('E-mail or phone').fill('live-host@shop.test');
    await host.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await host.getByRole('button', { name: 'Continue' }).click();
    await host.locator(`li[data-session-id="${sessionId}"] button`).click();
    await host.locator('.stock-on-hand[data-stock="50"]').waitFor();
    expect(await host.locator('.stock-on-hand').textContent()).toBe('In stock: 50');
    await host.locator('input[name="units"]').fill('10');
    await host.locator('input[name="price"]').fill('149.00');
    await host.getByRole('button', { name: 'Add card' }).click();
    await host.locator('.card-row').waitFor();
    // The card took 10 units: the product row says so without a reload.
    await host.locator('.stock-on-hand[data-stock="40"]').waitFor();
    expect(await host.locator('.card-row').textContent()).toContain('149.00');
    // An empty chat says so.
    expect(await host.locator('section[aria-labelledby="mod-title"]').textContent()).toContain(
      'No messages yet.',
    );
    await host.getByRole('button', { name: 'Go live' }).click();
    await until(host, "globalThis.vitaliveHost.console?.publisher.status === 'live'");
    await host.getByRole('button', { name: 'Pin Matcha protein' }).click();
  });

  it('plays full screen on a phone with chat, cards and buttons over the video', async () => {
    viewer = await page(PHONE);
    await viewer.goto(`${node.url}/live/${sessionId}`);
    await until(viewer, `${FRAMES_DECODED}.then((n) => n > 0)`);
    await viewer.locator('li.card').waitFor();
    const video = await boxOf(viewer, '.stage-video video');
    expect(video).toEqual({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
    for (const overlay of ['.app-header', 'li.card', '.chat-form', '.rail .follow', '.bag-button'])
      expect(inside(await boxOf(viewer, overlay), video), overlay).toBe(true);
    // Chat bottom left, the pinned card above it.
    const chat = await boxOf(viewer, '.chat-form');
    const card = await boxOf(viewer, 'li.card');
    expect(chat.y + chat.height).toBeGreaterThan(PHONE.height - 20);
    expect(card.y + card.height).toBeLessThanOrEqual(chat.y);
    // The fake camera is landscape: shown whole, over its blurred copy rather than black bands.
    expect(await viewer.locator('.stage-video').getAttribute('data-fit')).toBe('contain');
    expect(await viewer.locator('canvas.backdrop').isVisible()).toBe(true);
    expect(await viewer.evaluate<number>('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(360);
    await viewer.getByLabel('Message').fill('Is it sweet?');
    await viewer.getByRole('button', { name: 'Send', exact: true }).click();
    await viewer.locator('.chat-list li', { hasText: 'Is it sweet?' }).waitFor();
    await viewer.getByRole('button', { name: 'Like' }).click();
    await viewer.locator('.float-heart').first().waitFor();
    await screenshot(viewer, 'live-player-360');
  });

  it('buys in a half sheet: create-an-account first, log in one tap away, a clinic from the list', async () => {
    const before = await boxOf(viewer, '.stage-video video');
    await viewer.locator('li.card button.buy').click();
    const sheet = viewer.locator('dialog.buy-dialog');
    await sheet.getByLabel('Your name').waitFor();
    expect(await sheet.getByRole('button', { name: 'Create an account' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    // A half sheet: the top of the screen (the video) stays in view.
    const sheetBox = await boxOf(viewer, 'dialog.buy-dialog');
    expect(sheetBox.y).toBeGreaterThan(PHONE.height * 0.3);
    expect(sheetBox.y + sheetBox.height).toBeGreaterThan(PHONE.height - 2);
    await screenshot(viewer, 'live-buy-sheet-visitor-360');

    await sheet.getByRole('button', { name: 'Log in', exact: true }).click();
    await sheet.getByLabel('E-mail or phone').fill('live-buyer@shop.test');
    await sheet.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await sheet.getByRole('button', { name: 'Continue' }).click();
    // Signed in: the sheet turns into the order form; the video has not moved.
    const clinic = sheet.getByLabel('Clinic', { exact: true });
    await clinic.waitFor();
    expect(await boxOf(viewer, '.stage-video video')).toEqual(before);
    await viewer.locator('.account .who').waitFor();
    expect(await boxOf(viewer, '.stage-video video')).toEqual(before);
    expect(await clinic.evaluate((el) => el.tagName)).toBe('SELECT');
    await clinic.selectOption(clinicB);
    await sheet.locator('.clinic-address', { hasText: '9 West Street' }).waitFor();
    await screenshot(viewer, 'live-buy-sheet-clinic-360');
    await sheet.getByRole('button', { name: /^Buy now/ }).click();

    const notice = viewer.locator('.placed-notice');
    await notice.waitFor();
    expect(await notice.locator('.placed-text').textContent()).toBe('Order placed: Matcha protein × 1');
    expect(inside(await boxOf(viewer, '.placed-notice'), before)).toBe(true);
    await screenshot(viewer, 'live-confirmation-360');
    const orders = await viewer.evaluate(async () => {
      const live = (globalThis as unknown as { vitaliveLive: { state: { orders: Map<string, unknown> } } })
        .vitaliveLive;
      return [...live.state.orders.keys()];
    });
    expect(orders).toHaveLength(1);
    const order = await ok<{ fulfilment: { clinicId?: string }; totalMinor: number }>(
      node.url,
      'GET',
      `/api/orders/${orders[0]}`,
      staffToken,
    );
    expect(order.fulfilment.clinicId).toBe(clinicB);
    expect(order.totalMinor).toBe(14_900);
  });

  it('the bag lists the card with its live and list prices and what was bought', async () => {
    await viewer.getByRole('button', { name: 'Bag · 1' }).click();
    const row = viewer.locator('.bag-item');
    await row.waitFor();
    await expect.poll(() => row.locator('.hint').textContent()).toBe('9 left · 1 bought');
    expect(await row.locator('s.list-price').textContent()).toContain('199.00');
    expect(await row.locator('.price').textContent()).toContain('149.00');
    await screenshot(viewer, 'live-bag-360');
    await viewer.locator('dialog.bag-sheet button.icon').click();
  });

  it('follows the host and shares a link carrying the viewer’s own code', async () => {
    const follow = viewer.locator('.rail .follow');
    await follow.click();
    await viewer.locator('.rail .follow[aria-pressed="true"]').waitFor();
    expect(await follow.textContent()).toContain('Following');
    await viewer.getByRole('button', { name: 'Share' }).click();
    const toast = viewer.locator('.share-toast .share-url');
    await toast.waitFor();
    expect(await toast.textContent()).toBe(`${node.url}/live/${sessionId}?ref=${buyerRef}`);
  });

  it("the host's sales panel counts the order and its feed names the buyer", async () => {
    await host.locator('.sales-figures[data-orders="1"][data-units="1"]').waitFor();
    expect(await host.locator('[data-figure="gmv"]').getAttribute('data-minor')).toBe('14900');
    const line = host.locator('.feed li').first();
    expect(await line.locator('.buyer').textContent()).toBe('Mei Chen bought');
    expect(await line.textContent()).toContain('Matcha protein');
    await host.locator('.mod-list li', { hasText: 'Is it sweet?' }).waitFor();
    await screenshot(host, 'live-host-sales');
  });

  it('on a desktop the player sits beside the cards and chat', async () => {
    const desk = await page({ width: 1280, height: 800 });
    await desk.goto(`${node.url}/live/${sessionId}`);
    await desk.locator('li.card').waitFor();
    const video = await boxOf(desk, '.stage-video');
    const chat = await boxOf(desk, '.stage .chat');
    const card = await boxOf(desk, 'li.card');
    expect(chat.x).toBeGreaterThanOrEqual(video.x + video.width);
    expect(card.x).toBeGreaterThanOrEqual(video.x + video.width);
    await screenshot(desk, 'live-desktop');
  });
});
