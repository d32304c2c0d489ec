// The whole "remind me" story in headless Chromium, with the platform as `npm start` composes it and
// an in-process SMTP server: a member on a Traditional-Chinese phone taps "remind me" on /lives; the
// host goes live; the go-live e-mail reaches the member in Traditional Chinese; its link (our tracked
// link) opens the live page in the browser and counts as a click on /api/staff/messages/figures. A
// visitor without an account gives an e-mail instead, types back the code it receives, and gets the
// go-live e-mail too.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../loadtest/clients/browser.ts';
import { decodeMail, type Mailbox, startMailbox } from '../helpers/mailbox.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';
import { ok, screenshot, startWebNode, until, type WebNode } from '../helpers/web-apps.ts';

const PASSWORD = 'member-password-1';

describe('remind me → go-live e-mail → live page', () => {
  let node: WebNode;
  let mailbox: Mailbox;
  let browser: Browser;
  let ctx: BrowserContext;
  let hostToken = '';
  let staffToken = '';
  let memberEmail = '';
  let staffEmail = '';
  let sessionId = '';
  let secondId = '';

  beforeAll(async () => {
    mailbox = await startMailbox();
    node = await startWebNode((url) => ({
      SMTP_URL: mailbox.url,
      PUBLIC_URL: url,
      MESSAGE_POLL_MS: '100',
      MESSAGE_QUIET_HOURS: '00:00-00:00',
    }));
    const tokens = testTokens();
    const store = node.platform.store;
    const host = await seedPerson(store, tokens, { roles: ['host'], displayName: '林老師' });
    const staff = await seedPerson(store, tokens, { roles: ['staff'], password: PASSWORD });
    staffEmail = staff.person.email!;
    const member = await seedPerson(store, tokens, { password: PASSWORD });
    hostToken = host.token;
    staffToken = staff.token;
    memberEmail = member.person.email!;
    sessionId = (
      await ok<{ sessionId: string }>(node.url, 'POST', '/api/live-sessions', host.token, {
        title: '秋季營養講座',
        scheduledAtMs: Date.now() + 3 * 3_600_000,
      })
    ).sessionId;
    secondId = (
      await ok<{ sessionId: string }>(node.url, 'POST', '/api/live-sessions', host.token, {
        title: 'Evening Q&A',
        scheduledAtMs: Date.now() + 5 * 3_600_000,
      })
    ).sessionId;
    browser = await launchChromium();
    ctx = await browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'zh-TW',
      hasTouch: true,
    });
    ctx.setDefaultTimeout(60_000);
  }, 180_000);

  afterAll(async () => {
    await ctx?.close().catch(() => undefined);
    await browser?.close();
    await node?.close();
    await mailbox?.close();
  });

  it('the member taps remind me on /lives, gets the go-live e-mail in their language, and its link opens the live', async () => {
    const page: Page = await ctx.newPage();
    await page.goto(`${node.url}/lives`);
    const item = page.locator(`.live-item[data-session-id="${sessionId}"]`);
    await item.getByRole('button', { name: '開播提醒' }).click();
    // Not signed in: the sign-in dialog first (logging in from this phone makes zh-Hant their language).
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel(/電子郵件或手機/).fill(memberEmail);
    await dialog.getByLabel(/^密碼$/).fill(PASSWORD);
    await dialog.getByRole('button', { name: /繼續/ }).click();
    await until(page, "document.querySelector('.account .who') !== null");
    await item.getByRole('button', { name: '開播提醒' }).click();
    await item.getByText('已設定提醒').waitFor();

    await ok(node.url, 'POST', `/api/live-sessions/${sessionId}/go-live`, hostToken);
    const mail = decodeMail((await mailbox.nth(memberEmail, 1, 30_000)).raw);
    expect(mail.subject).toBe('正在直播：秋季營養講座');
    expect(mail.headers['content-language']).toBe('zh-Hant');
    const link = mail.text.match(/http:\/\/127\.0\.0\.1:\d+\/m\/[\w.-]+/)?.[0];
    expect(link, mail.text).toBeDefined();

    await page.goto(link!);
    await page.waitForURL(`${node.url}/live/${sessionId}`);
    await page.getByRole('heading', { name: '聊天' }).waitFor();
    await screenshot(page, 'remind-me-mail-live-360');

    const figures = await ok<Array<{ kind: string; sent: number; clicked: number }>>(
      node.url,
      'GET',
      '/api/staff/messages/figures',
      staffToken,
    );
    expect(figures.find((f) => f.kind === 'live_reminder_golive')).toMatchObject({ sent: 1, clicked: 1 });
  });

  it('a visitor without an account proves an e-mail with its code and gets the go-live e-mail', async () => {
    const visitor = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US' });
    try {
      const page = await visitor.newPage();
      await page.goto(`${node.url}/lives`);
      const item = page.locator(`.live-item[data-session-id="${secondId}"]`);
      await item.getByRole('button', { name: 'Remind me' }).click();
      const form = page.locator('dialog[open] form.contact-remind');
      await form.getByLabel(/Remind me at/).fill('visitor@example.test');
      await form.getByRole('button', { name: 'Send me a code' }).click();
      await form.getByText(/a 6-digit code is on its way/).waitFor();
      const code = await mailbox.codeFor('visitor@example.test');
      await form.getByLabel('Code').fill(code);
      await form.getByRole('button', { name: 'Confirm' }).click();
      await item.getByText('Reminder set').waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

      await ok(node.url, 'POST', `/api/live-sessions/${secondId}/go-live`, hostToken);
      const mail = decodeMail((await mailbox.nth('visitor@example.test', 2, 30_000)).raw);
      expect(mail.subject).toBe('Live now: Evening Q&A');
      expect(mail.text).toMatch(/http:\/\/127\.0\.0\.1:\d+\/m\//);
    } finally {
      await visitor.close();
    }
  });

  it('/staff/messages shows the go-live reminders sent and clicked, per kind and per channel', async () => {
    const staffCtx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
    try {
      const page = await staffCtx.newPage();
      await page.goto(`${node.url}/staff/messages`);
      await page.getByLabel('E-mail or phone').fill(staffEmail);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Continue' }).click();
      const all = page.locator(
        'table.message-figures tr[data-kind="live_reminder_golive"]:not([data-channel])',
      );
      await all.waitFor();
      // Kind, channel, queued, sent, delivered, clicked, failed, suppressed.
      const cells = async (row: typeof all) => (await row.locator('th, td').allTextContents()).slice(1);
      expect(await cells(all)).toEqual(['All', '0', '2', '0', '1', '0', '0']);
      const email = page.locator(
        'table.message-figures tr[data-kind="live_reminder_golive"][data-channel="email"]',
      );
      expect(await cells(email)).toEqual(['email', '', '2', '0', '1', '0', '']);
    } finally {
      await staffCtx.close();
    }
  });
});
