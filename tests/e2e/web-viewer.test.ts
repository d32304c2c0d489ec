// The viewer page in a real browser (headless Chromium, fake camera on the host side): the language
// switch, a 360 px phone screen without overflow or layout shift, recovery after the gateway drops the
// page's sockets, and a sold-out card disabling buying on every open viewer.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../loadtest/clients/browser.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';
import {
  createProduct,
  FRAMES_DECODED,
  ok,
  screenshot,
  startWebNode,
  until,
  type WebNode,
} from '../helpers/web-apps.ts';

describe('viewer page in a real browser', () => {
  let node: WebNode;
  let browser: Browser;
  let hostCtx: BrowserContext;
  let hostToken = '';
  let staffToken = '';
  let buyerToken = '';
  let sessionId = '';
  let skuId = '';
  const contexts: BrowserContext[] = [];

  async function phone(locale = 'en-US'): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale, hasTouch: true });
    // A shared 2-core machine under a full test run is slow; waits are generous, never asserted on.
    ctx.setDefaultTimeout(60_000);
    contexts.push(ctx);
    return ctx.newPage();
  }

  async function newCard(quantity: number, pin = true): Promise<string> {
    const card = await ok<{ cardId: string }>(
      node.url,
      'POST',
      `/api/live-sessions/${sessionId}/cards`,
      hostToken,
      { skuId, quantity, perMemberLimit: 5 },
    );
    if (pin)
      await ok(node.url, 'POST', `/api/live-sessions/${sessionId}/cards/${card.cardId}/pin`, hostToken);
    return card.cardId;
  }

  beforeAll(async () => {
    node = await startWebNode();
    const tokens = testTokens();
    const store = node.platform.store;
    hostToken = (await seedPerson(store, tokens, { roles: ['host'] })).token;
    staffToken = (await seedPerson(store, tokens, { roles: ['staff'] })).token;
    buyerToken = (await seedPerson(store, tokens)).token;
    skuId = await createProduct(node.url, staffToken, 100);
    const session = await ok<{ sessionId: string }>(node.url, 'POST', '/api/live-sessions', hostToken, {
      title: 'Evening live',
    });
    sessionId = session.sessionId;
    await ok(node.url, 'POST', `/api/live-sessions/${sessionId}/go-live`, hostToken);
    browser = await launchChromium();
    // The host publishes the fake camera from the minimal media page.
    hostCtx = await browser.newContext();
    // The token is handed to the tab, never put in the address.
    await hostCtx.addInitScript({
      content: `sessionStorage.setItem('vl.accessToken', ${JSON.stringify(hostToken)})`,
    });
    const host = await hostCtx.newPage();
    await host.goto(`${node.url}/web/host.html?session=${sessionId}`);
    await until(host, 'globalThis.vitaliveHost?.producers === 2');
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await hostCtx?.close().catch(() => undefined);
    await browser?.close();
    await node?.close();
  });

  it('the host page ignores an access token put in its address, and removes it', async () => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${node.url}/web/host.html?session=${sessionId}&token=${encodeURIComponent(hostToken)}`);
    // Without the tab's token or a refresh cookie the page is a viewer: the SFU does not let it publish.
    await until(page, "globalThis.vitaliveHost?.error === 'only the host of this session can publish'");
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(new URL(page.url()).searchParams.get('session')).toBe(sessionId);
  });

  it('follows the browser language and switches on request, in place', async () => {
    const hans = await phone('zh-CN');
    await hans.goto(`${node.url}/live/${sessionId}`);
    await hans.getByText('人在看').waitFor();
    expect(await hans.getAttribute('html', 'lang')).toBe('zh-Hans');
    const hant = await phone('zh-TW');
    await hant.goto(`${node.url}/live/${sessionId}`);
    await hant.getByText('聊天', { exact: true }).waitFor();
    expect(await hant.getAttribute('html', 'lang')).toBe('zh-Hant');
    await hant.getByRole('heading', { name: '聊天' }).waitFor();

    // Switch to English: texts change without a reload, and the choice is kept.
    const before = await hans.evaluate(
      () => (globalThis as { vitaliveLive?: { state: { snapshots: number } } }).vitaliveLive?.state.snapshots,
    );
    await hans.getByLabel('语言').selectOption('en');
    await hans.getByRole('heading', { name: 'Chat' }).waitFor();
    expect(await hans.getAttribute('html', 'lang')).toBe('en');
    expect(await hans.getByText('watching').count()).toBe(1);
    const after = await hans.evaluate(
      () => (globalThis as { vitaliveLive?: { state: { snapshots: number } } }).vitaliveLive?.state.snapshots,
    );
    expect(after).toBe(before);
    await hans.reload();
    await hans.getByRole('heading', { name: 'Chat' }).waitFor();

    // A coded error in the person's language: chat past the per-connection burst is rate limited.
    await hant.evaluate(
      "Promise.allSettled(Array.from({ length: 6 }, (_, i) => globalThis.vitaliveLive.state.sendChat('burst ' + i)))",
    );
    await hant.getByLabel('訊息').fill('one more');
    await hant.getByRole('button', { name: '傳送' }).click();
    const error = hant.locator('.chat [role="alert"]');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('RATE_LIMITED');
    expect(await error.textContent()).toContain('請求過於頻繁');
  });

  it('fits a 360 px phone: no sideways scrolling, and a new card shifts nothing', async () => {
    const page = await phone();
    await page.goto(`${node.url}/live/${sessionId}`);
    await until(page, `${FRAMES_DECODED}.then((n) => n > 0)`);
    const chatTop = () => page.locator('.chat').evaluate((el) => el.getBoundingClientRect().top);
    const topBefore = await chatTop();
    const cardId = await newCard(20);
    const card = page.locator(`.card[data-card-id="${cardId}"]`);
    await card.waitFor();
    expect(await chatTop()).toBe(topBefore);
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(360);
    const buy = card.getByRole('button', { name: /Buy/ });
    expect(await buy.isEnabled()).toBe(true);
    const box = await buy.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await screenshot(page, 'viewer-360-focused');
    await ok(node.url, 'POST', `/api/live-sessions/${sessionId}/cards/${cardId}/unpin`, hostToken);
    await card.waitFor({ state: 'detached' });
  });

  it('recovers video, cards and chat after the gateway drops its sockets, without a reload', async () => {
    const page = await phone();
    await page.goto(`${node.url}/live/${sessionId}`);
    await until(page, `${FRAMES_DECODED}.then((n) => n > 0)`);
    await page.evaluate(() => {
      (globalThis as { loadedOnce?: boolean }).loadedOnce = true;
    });
    const joinsBefore = await page.evaluate(
      () => (globalThis as { vitaliveLive?: { player: { joins: number } } }).vitaliveLive!.player.joins,
    );

    // The gateway drops the viewers' /live and /media connections (the transport closes under the
    // socket); the host's publishing connection, the one with a token, stays.
    for (const nsp of ['/live', '/media']) {
      for (const s of node.platform.io.of(nsp).sockets.values()) if (!s.data.principal) s.conn.close();
    }
    // Meanwhile a card is pinned: the viewer must see it once it is back.
    const cardId = await newCard(7);
    await page.locator(`.card[data-card-id="${cardId}"]`).waitFor({ timeout: 20_000 });
    await until(
      page,
      `(async () => { const p = globalThis.vitaliveLive.player; return p.joins > ${joinsBefore} && (await p.framesDecoded()) > 0; })()`,
    );
    // Chat works again.
    await page.getByLabel('Message').fill('back again');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.chat-list li', { hasText: 'back again' }).waitFor();
    // Still the same page: no reload happened.
    expect(await page.evaluate(() => (globalThis as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    await ok(node.url, 'POST', `/api/live-sessions/${sessionId}/cards/${cardId}/unpin`, hostToken);
  });

  it('a sold-out card disables buying on every open viewer', async () => {
    const cardId = await newCard(1);
    const pages = [await phone(), await phone('zh-CN')];
    for (const p of pages) {
      await p.goto(`${node.url}/live/${sessionId}`);
      await p.locator(`.card[data-card-id="${cardId}"] button.buy`).waitFor();
      expect(await p.locator(`.card[data-card-id="${cardId}"] button.buy`).isEnabled()).toBe(true);
    }
    // Someone else buys the last unit.
    await ok(
      node.url,
      'POST',
      '/api/orders',
      buyerToken,
      { cardId, quantity: 1, fulfilment: { method: 'pickup', clinic: 'Clinic 1' } },
      { 'idempotency-key': `sold-out-${cardId}` },
    );
    for (const p of pages) {
      const buy = p.locator(`.card[data-card-id="${cardId}"] button.buy`);
      await p.locator(`.card[data-card-id="${cardId}"][data-state="sold_out"]`).waitFor();
      expect(await buy.isDisabled()).toBe(true);
    }
    expect(await pages[0]!.locator(`.card[data-card-id="${cardId}"]`).textContent()).toContain('Sold out');
    expect(await pages[1]!.locator(`.card[data-card-id="${cardId}"]`).textContent()).toContain('已售罄');
  });
});
