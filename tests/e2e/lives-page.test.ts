// /lives, a session page before it starts, and the /me profile form in headless Chromium on a 360 px
// phone: the list in Traditional Chinese with host, local time, countdown and public line-up; "watch
// now" for a live one; "remind me" asks a visitor to sign in and, signed in, stores the reminder;
// the session page's HTML carries its OpenGraph tags; the profile form saves what the person chose.
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../loadtest/clients/browser.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';
import { createProduct, ok, screenshot, startWebNode, until, type WebNode } from '../helpers/web-apps.ts';

const PASSWORD = 'member-password-1';

describe('lives page in a real browser', () => {
  let node: WebNode;
  let browser: Browser;
  let soonId = '';
  let liveId = '';
  let memberEmail = '';
  let memberToken = '';
  const contexts: BrowserContext[] = [];

  async function phone(locale: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale, hasTouch: true });
    ctx.setDefaultTimeout(60_000);
    contexts.push(ctx);
    return ctx.newPage();
  }

  async function logIn(page: Page, scope: ReturnType<Page['locator']>) {
    await scope.getByLabel(/E-mail or phone|電子郵件或手機/).fill(memberEmail);
    await scope.getByLabel(/^Password$|^密碼$/).fill(PASSWORD);
    await scope.getByRole('button', { name: /Continue|繼續/ }).click();
    await until(page, "document.querySelector('.account .who') !== null");
  }

  beforeAll(async () => {
    node = await startWebNode();
    const tokens = testTokens();
    const store = node.platform.store;
    const host = await seedPerson(store, tokens, { roles: ['host'], displayName: '林老師' });
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const member = await seedPerson(store, tokens, { password: PASSWORD });
    memberEmail = member.person.email!;
    memberToken = member.token;
    const skuId = await createProduct(node.url, staff.token, 50, 12_800);
    soonId = (
      await ok<{ sessionId: string }>(node.url, 'POST', '/api/live-sessions', host.token, {
        title: '春季健康講座',
        scheduledAtMs: Date.now() + 26 * 3_600_000,
      })
    ).sessionId;
    await ok(node.url, 'POST', `/api/live-sessions/${soonId}/cards`, host.token, { skuId, quantity: 5 });
    await ok(node.url, 'PUT', `/api/live-sessions/${soonId}/lineup-visibility`, staff.token, {
      public: true,
    });
    liveId = (
      await ok<{ sessionId: string }>(node.url, 'POST', '/api/live-sessions', host.token, { title: 'On air' })
    ).sessionId;
    await ok(node.url, 'POST', `/api/live-sessions/${liveId}/go-live`, host.token);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await node?.close();
  });

  it('lists the lives in Traditional Chinese on a phone, with countdown, line-up and watch now', async () => {
    const page = await phone('zh-TW');
    await page.goto(`${node.url}/lives`);
    const soon = page.locator(`.live-item[data-session-id="${soonId}"]`);
    await soon.waitFor();
    await expect(soon.locator('header:not(.dialog-head) h2').textContent()).resolves.toBe('春季健康講座');
    await expect(soon.locator('.host').textContent()).resolves.toBe('主播：林老師');
    await expect(soon.locator('.countdown').textContent()).resolves.toMatch(/^距開播 1 天 /);
    await expect(soon.locator('.lineup li').textContent()).resolves.toContain('蛋白奶昔');
    const live = page.locator(`.live-item[data-session-id="${liveId}"]`);
    await expect(live.getByRole('link', { name: '立即觀看' }).getAttribute('href')).resolves.toBe(
      `/live/${liveId}`,
    );
    // Live first; nothing wider than the phone.
    await expect(page.locator('.live-item').first().getAttribute('data-session-id')).resolves.toBe(liveId);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await screenshot(page, 'lives-360-zh-hant');
  });

  it('asks a visitor to sign in for a reminder, then stores it signed in and shows it on return', async () => {
    const page = await phone('en-US');
    const posts: Request[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith(`/api/live-sessions/${soonId}/reminder`)) posts.push(r);
    });
    await page.goto(`${node.url}/lives`);
    const soon = page.locator(`.live-item[data-session-id="${soonId}"]`);
    await soon.getByRole('button', { name: 'Remind me' }).click();
    const dialog = page.locator('dialog[open]');
    await expect(dialog.locator('.notice').textContent()).resolves.toContain('Log in or create an account');
    expect(posts).toHaveLength(0);
    await logIn(page, dialog);
    await soon.getByRole('button', { name: 'Remind me' }).click();
    await soon.getByText('Reminder set').waitFor();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.method()).toBe('POST');
    expect(posts[0]!.headers().authorization).toMatch(/^Bearer /);
    const mine = await ok<{ sessionIds: string[] }>(node.url, 'GET', '/api/me/live-reminders', memberToken);
    expect(mine.sessionIds).toContain(soonId);
    // The signed-in member's share poster carries their own referral code.
    const poster = await soon.getByRole('link', { name: 'Share poster' }).getAttribute('href');
    expect(new URL(poster!, node.url).searchParams.get('ref')).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    // Back on the page later, the button knows the reminder is set.
    await page.reload();
    await page
      .locator(`.live-item[data-session-id="${soonId}"]`)
      .getByRole('button', { name: 'Cancel reminder' })
      .waitFor();
  });

  it('shows the countdown, line-up and remind me on the session page, whose HTML has its preview', async () => {
    const html = await (
      await fetch(`${node.url}/live/${soonId}?ref=ABCD2345`, { headers: { 'accept-language': 'zh-TW' } })
    ).text();
    expect(html).toContain('<meta property="og:title" content="春季健康講座" />');
    expect(html).toContain('<meta property="og:description" content="主播: 林老師 · 開播');
    const image = /<meta property="og:image" content="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
    const imageUrl = new URL(image);
    expect(imageUrl.pathname).toBe(`/api/live-sessions/${soonId}/poster.png`);
    expect(imageUrl.searchParams.get('ref')).toBe('ABCD2345');
    expect(imageUrl.searchParams.get('lang')).toBe('zh-Hant');
    const png = await fetch(image);
    expect(png.headers.get('content-type')).toBe('image/png');

    const page = await phone('en-US');
    await page.goto(`${node.url}/live/${soonId}`);
    const before = page.locator('.before-live .live-item');
    await before.waitFor();
    await expect(before.locator('.countdown').textContent()).resolves.toMatch(/^Starts in 1 d /);
    await expect(before.locator('.lineup').textContent()).resolves.toContain('Protein shake');
    await before.getByRole('button', { name: 'Remind me' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await screenshot(page, 'live-before-start-360');
  });

  it('saves the profile form through PATCH /api/me/profile and shows it again on return', async () => {
    const page = await phone('en-US');
    await page.goto(`${node.url}/me`);
    await logIn(page, page.locator('main'));
    const form = page.locator('.profile-form');
    await form.getByLabel('Language of messages').selectOption('zh-Hant');
    await form.getByLabel('Time zone').selectOption('Asia/Taipei');
    await form.getByLabel('WeChat').check();
    await form.getByLabel(/Send me news and offers/).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Saved').waitFor();
    const stored = await ok<Record<string, unknown>>(node.url, 'GET', '/api/me/profile', memberToken);
    expect(stored).toMatchObject({
      locale: 'zh-Hant',
      timeZone: 'Asia/Taipei',
      preferredChannel: 'wechat',
      consentMarketing: true,
    });
    await page.reload();
    const again = page.locator('.profile-form');
    expect(await again.getByLabel('Time zone').inputValue()).toBe('Asia/Taipei');
    expect(await again.getByLabel('WeChat').isChecked()).toBe(true);
  });
});
