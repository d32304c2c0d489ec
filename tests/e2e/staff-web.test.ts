// The staff pages end to end through the real entry point and headless Chromium: an admin (from the
// bootstrap command) grants a manager their role and creates the channel; the manager invites a
// prospect and registers them for an offline event; staff check them in, register a scale whose
// reading carries their member code; the prospect registers with a friend's referral code and buys
// during a live session (driven over HTTP and socket.io); staff confirm the manual payment on the
// orders page; the dashboard shows the funnel, GMV, commission and the referrer's pending credit. The
// manager's view holds only their channel, and another channel's data answers 403.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../protocols/index.ts';
import { registered } from '../helpers/accounts.ts';
import { type BrowserPlatform, startBrowserPlatform } from '../helpers/browser-platform.ts';
import { connectDevice } from '../helpers/edge.ts';
import { call } from '../helpers/http-call.ts';
import { socketTo } from '../helpers/live-platform.ts';
import { buildOnce, createProduct, ok, screenshot, until } from '../helpers/web-apps.ts';

const PRICE = 19_900;
const CHANNEL_BPS = 1_000;
/** LEDGER_REFERRAL_RATES_BPS default for a basic-tier referrer. */
const REFERRAL_BPS = 300;

describe('staff pages end to end in a real browser', () => {
  let platform: BrowserPlatform;
  let url = '';
  let mqttPort = 0;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: Socket[] = [];
  let adminToken = '';
  let adminOtp = '';

  beforeAll(async () => {
    await buildOnce();
    platform = await startBrowserPlatform('staff', [
      { email: 'admin@staff.test', name: 'Admin', role: 'admin' },
    ]);
    ({ url, mqttPort, browser } = platform);
    adminOtp = platform.otps['admin@staff.test']!;
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const c of contexts) await c.close().catch(() => undefined);
    await platform?.stop();
  });

  async function page(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
    contexts.push(ctx);
    return ctx.newPage();
  }

  async function login(p: Page, login: string, password: string, newPassword?: string) {
    await p.goto(`${url}/staff`);
    await p.getByLabel('E-mail or phone').fill(login);
    await p.getByLabel('Password', { exact: true }).fill(password);
    await p.getByRole('button', { name: 'Continue' }).click();
    if (newPassword) {
      await p.getByLabel('New password (at least 8 characters)').fill(newPassword);
      await p.getByRole('button', { name: 'Continue' }).click();
    }
    await p.locator('nav.staff-nav').waitFor();
  }

  async function nav(p: Page, name: string) {
    await p.locator('nav.staff-nav').getByRole('link', { name }).click();
  }

  async function register(name: string, email: string, referralCode?: string) {
    return registered(
      url,
      { mailbox: platform.mailbox },
      {
        displayName: name,
        email,
        password: `${name.toLowerCase()}-password-1`,
        ...(referralCode ? { referralCode } : {}),
      },
    );
  }

  it('runs the channel, event, device and sale flow and the dashboard shows every figure', async () => {
    // ── Admin logs in with the bootstrap's single-use password.
    const admin = await page();
    await login(admin, 'admin@staff.test', adminOtp, 'admin-password-1');
    adminToken = (
      await ok<{ accessToken: string }>(url, 'POST', '/api/auth/login', undefined, {
        login: 'admin@staff.test',
        password: 'admin-password-1',
      })
    ).accessToken;

    // ── The manager has an account; the admin grants the role on the people page.
    const manager = await register('Mona', 'mona@staff.test');
    await nav(admin, 'People');
    await admin.getByLabel('Member code, name, phone, e-mail or order id').fill('mona@staff.test');
    await admin.getByRole('button', { name: 'Search' }).click();
    await admin.locator(`tr[data-person-id="${manager.person.id}"] button`).click();
    await admin.getByLabel('Add role').selectOption('channel_manager');
    await admin.getByRole('button', { name: 'Add role' }).click();
    await admin.locator('.person-panel .notice').waitFor();
    await screenshot(admin, 'staff-people');

    // ── The admin creates the manager's channel on the channels page; another channel exists too.
    await nav(admin, 'Channels');
    await admin.getByLabel('Name').fill('North clinic');
    await admin.getByLabel('Manager (person id)').fill(manager.person.id);
    await admin.getByLabel('Commission (basis points)').fill(String(CHANNEL_BPS));
    await admin.getByRole('button', { name: 'Create' }).click();
    const channelRow = admin.locator('tr[data-channel-id]', { hasText: 'North clinic' });
    await channelRow.waitFor();
    const channelId = (await channelRow.getAttribute('data-channel-id'))!;
    const other = await ok<{ id: string }>(url, 'POST', '/api/channels', adminToken, {
      name: 'South clinic',
      commissionBps: 500,
    });
    await screenshot(admin, 'staff-channels');

    // ── The admin schedules an offline event with the channel.
    await nav(admin, 'Events & check-in');
    await admin.getByLabel('Title').fill('Health day');
    await admin.getByLabel('Venue').fill('North clinic hall');
    const start = new Date(Date.now() + 3_600_000 - new Date().getTimezoneOffset() * 60_000);
    await admin.getByLabel('Starts at').fill(start.toISOString().slice(0, 16));
    await admin.getByLabel('North clinic').check();
    await admin.getByRole('button', { name: 'Create' }).click();
    await admin.locator('tr[data-event-id]', { hasText: 'Health day' }).waitFor();

    // ── The manager logs in, invites a prospect on the channel page and registers them for the event.
    const mgr = await page();
    await login(mgr, 'mona@staff.test', 'mona-password-1');
    await nav(mgr, 'Channels');
    await mgr.locator(`tr[data-channel-id="${channelId}"] button`).click();
    const inviteForm = mgr.getByRole('form', { name: 'Invite' });
    await inviteForm.getByLabel('Name').fill('Bob');
    await inviteForm.getByLabel('E-mail or phone').fill('bob@staff.test');
    await inviteForm.getByRole('button', { name: 'Invite' }).click();
    await mgr.getByText('Invitation sent.').waitFor();
    await nav(mgr, 'Events & check-in');
    await mgr.locator('tr[data-event-id]', { hasText: 'Health day' }).getByRole('button').click();
    const addForm = mgr.getByRole('form', { name: 'Add invitee' });
    await addForm.getByLabel('Name').fill('Bob');
    await addForm.getByLabel('E-mail or phone').fill('bob@staff.test');
    await addForm.getByRole('button', { name: 'Add invitee' }).click();
    // A manager is told only that the invitation went out (the same whoever holds the contact), and
    // Bob is not in their lists until he acts (comes to the door, takes a test, registers).
    await addForm.getByText('Invitation sent.').waitFor();
    expect(await mgr.locator('.invitees-table tr[data-person-id]', { hasText: 'Bob' }).count()).toBe(0);
    // Check-in is staff work: the manager's event page has no check-in form.
    expect(await mgr.getByRole('form', { name: 'Check in' }).count()).toBe(0);

    // ── Staff see Bob at once, and check him in by typing his member code (the one his message carries).
    await admin.reload();
    await admin.locator('tr[data-event-id]', { hasText: 'Health day' }).getByRole('button').click();
    const bobRow = admin.locator('.invitees-table tr[data-person-id]', { hasText: 'Bob' });
    await bobRow.waitFor();
    const bobCode = (await bobRow.locator('code').textContent())!.trim();
    const checkIn = admin.getByRole('form', { name: 'Check in' });
    // An unknown code is a coded error shown in place, in the page's language.
    await checkIn.getByLabel('Member code').fill('NOSUCHCODE');
    await checkIn.getByRole('button', { name: 'Check in' }).click();
    const failed = checkIn.locator('.error[data-code]');
    await failed.waitFor();
    const failedCode = await failed.getAttribute('data-code');
    expect(failedCode).toBe('MEMBER_CODE_UNKNOWN');
    expect((await failed.textContent())!.length).toBeGreaterThan(0);
    await checkIn.getByLabel('Member code').fill(bobCode);
    await checkIn.getByRole('button', { name: 'Check in' }).click();
    await checkIn.getByText('Bob checked in.').waitFor();
    await admin.locator('.invitees-table tr[data-attended="true"]').waitFor();
    await screenshot(admin, 'staff-events');

    // ── A scale is registered on the devices page (secret shown once) and sends Bob's reading.
    await nav(admin, 'Devices');
    await admin.getByLabel('Device id').fill('scale-north-1');
    await admin.getByLabel('Location').fill('North clinic');
    await admin.getByRole('button', { name: 'Register' }).click();
    const secretNotice = admin.locator('.secret .notice');
    await secretNotice.waitFor();
    const secret = /: (\S+)$/.exec((await secretNotice.textContent())!.trim())![1]!;
    const mqtt = await connectDevice(mqttPort, 'scale-north-1', secret);
    await mqtt.publishAsync(
      'devices/scale-north-1/readings',
      Buffer.from(
        encodeReading({
          deviceId: 'scale-north-1',
          bootId: 1,
          seq: 1,
          metric: 1,
          value: 71.2,
          measuredAtMs: Date.now(),
          memberCode: bobCode,
        }),
      ),
      { qos: 1 },
    );
    await admin.reload();
    await admin.locator('tr[data-device-id="scale-north-1"][data-online="true"]').waitFor();
    await screenshot(admin, 'staff-devices');

    // ── A live session with a pinned card; Bob registers with Rita's referral code, joins, clicks, buys.
    const rita = await register('Rita', 'rita@staff.test');
    const bob = await register('Bob', 'bob@staff.test', rita.person.referralCode);
    expect(bob.person.memberCode).toBe(bobCode);
    const skuId = await createProduct(url, adminToken, 20, PRICE);
    const session = await ok<{ sessionId: string }>(url, 'POST', '/api/live-sessions', adminToken, {
      title: 'Evening sale',
    });
    await ok(url, 'POST', `/api/live-sessions/${session.sessionId}/go-live`, adminToken);
    const card = await ok<{ cardId: string }>(
      url,
      'POST',
      `/api/live-sessions/${session.sessionId}/cards`,
      adminToken,
      {
        skuId,
        quantity: 10,
      },
    );
    await ok(url, 'POST', `/api/live-sessions/${session.sessionId}/cards/${card.cardId}/pin`, adminToken);

    // The dashboards are open before the sale, as staff keep them.
    const dash = await admin.context().newPage();
    await dash.goto(`${url}/staff`);
    await dash.locator('[data-figure="funnel-joined"]').waitFor();
    const mgrDash = await mgr.context().newPage();
    await mgrDash.goto(`${url}/staff`);
    await mgrDash.locator('[data-figure="funnel-joined"]').waitFor();

    const viewer = await socketTo(url, '/live', bob.accessToken);
    sockets.push(viewer);
    const join = await viewer.emitWithAck('live:join', {
      sessionId: session.sessionId,
      viewerId: 'bob-phone',
    });
    expect(join.ok).toBe(true);
    viewer.emit('card:impression', { sessionId: session.sessionId, cardId: card.cardId });
    viewer.emit('card:click', { sessionId: session.sessionId, cardId: card.cardId });
    const order = await ok<{ orderId: string; status: string }>(
      url,
      'POST',
      '/api/orders',
      bob.accessToken,
      {
        cardId: card.cardId,
        quantity: 1,
        provider: 'manual',
        fulfilment: { method: 'pickup', clinic: 'North' },
      },
      { 'idempotency-key': 'staff-web-bob-1' },
    );
    expect(order.status).toBe('placed');

    // ── Staff find the order by Bob's member code and confirm the manual payment (asked to confirm).
    await nav(admin, 'Orders');
    await admin.getByLabel('Member code, name, phone, e-mail or order id').fill(bobCode);
    await admin.getByRole('button', { name: 'Search' }).click();
    const row = admin.locator(`tr[data-order-id="${order.orderId}"]`);
    await row.getByRole('button', { name: 'Confirm payment' }).click();
    await admin.getByRole('button', { name: 'Yes, do it' }).click();
    const confirmedAt = Date.now();
    await admin.locator(`tr[data-order-id="${order.orderId}"][data-status="paid"]`).waitFor();
    await screenshot(admin, 'staff-orders');

    // ── The dashboard shows the paid order; its arrival time gives the order → dashboard latency.
    await until(
      dash,
      `globalThis.vitaliveStaff?.stream.figures?.sessions.some((s) => s.ordersPaid === 1) &&
       globalThis.vitaliveStaff.stream.figures.conversion.channels.some((c) => c.bought === 1 && c.paidGmvMinor > 0)`,
    );
    const orderToDashboardMs =
      (await dash.evaluate<number>('globalThis.vitaliveStaff.stream.receivedAtMs')) - confirmedAt;
    const figure = (p: Page, name: string) => p.locator(`[data-figure="${name}"]`).textContent();
    expect(await figure(dash, 'funnel-joined')).toBe('1');
    expect(await figure(dash, 'funnel-clicked')).toBe('1');
    expect(await figure(dash, 'funnel-ordered')).toBe('1');
    expect(await figure(dash, 'funnel-paid')).toBe('1');
    const ch = dash.locator(`.channel-table tr[data-channel-id="${channelId}"]`);
    const col = async (name: string) => ch.locator(`[data-col="${name}"]`);
    expect(await (await col('invited')).textContent()).toBe('1');
    expect(await (await col('attended')).textContent()).toBe('1');
    expect(await (await col('tested')).textContent()).toBe('1');
    expect(await (await col('bought')).textContent()).toBe('1');
    expect(await (await col('gmv')).getAttribute('data-minor')).toBe(String(PRICE));
    expect(await (await col('commission')).getAttribute('data-minor')).toBe(
      String(Math.round((PRICE * CHANNEL_BPS) / 10_000)),
    );
    const pending = dash.locator(
      `.referrer-table tr[data-referrer-id="${rita.person.id}"] [data-col="pending"]`,
    );
    await until(
      dash,
      `document.querySelector('.referrer-table tr[data-referrer-id="${rita.person.id}"] [data-col="pending"]')?.dataset.minor === '${Math.round((PRICE * REFERRAL_BPS) / 10_000)}'`,
    );
    expect(await pending.getAttribute('data-minor')).toBe(
      String(Math.round((PRICE * REFERRAL_BPS) / 10_000)),
    );
    expect(Number(await figure(dash, 'devices-online'))).toBeGreaterThanOrEqual(1);
    await screenshot(dash, 'staff-dashboard');

    // ── The manager's dashboard: only their channel, no device or media figures.
    await until(
      mgrDash,
      `globalThis.vitaliveStaff?.stream.figures?.conversion?.channels.some((c) => c.bought === 1)`,
    );
    const ids = await mgrDash
      .locator('.channel-table tr[data-channel-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-channel-id')));
    expect(ids).toEqual([channelId]);
    expect(await mgrDash.locator('.devices-figures').count()).toBe(0);
    expect(await figure(mgrDash, 'funnel-paid')).toBe('1');
    await screenshot(mgrDash, 'staff-dashboard-manager');

    // ── Payouts for the period, as staff see them.
    await nav(admin, 'Payouts');
    const payout = admin.locator(`.payouts-table tr[data-channel-id="${channelId}"] td[data-minor]`);
    expect(await payout.getAttribute('data-minor')).toBe(String(Math.round((PRICE * CHANNEL_BPS) / 10_000)));
    await screenshot(admin, 'staff-payouts');

    // ── Catalog (the card took 10 of the 20 units on hand) and the session's cards.
    await nav(admin, 'Catalog');
    expect(await admin.locator(`tr[data-sku-id="${skuId}"] [data-col="stock"]`).textContent()).toBe('10');
    await screenshot(admin, 'staff-catalog');
    await nav(admin, 'Live sessions');
    await admin.locator(`tr[data-session-id="${session.sessionId}"] th button`).click();
    await admin.locator(`.cards-table tr[data-card-id="${card.cardId}"]`).waitFor();
    await screenshot(admin, 'staff-sessions');

    // ── Staff change another channel's commission rate and issue it a new invite code, each confirmed.
    await nav(admin, 'Channels');
    await admin.locator(`tr[data-channel-id="${other.id}"] button`).click();
    const settings = admin.getByRole('region', { name: 'Channel settings' });
    await settings.getByLabel('Commission (basis points)').fill('750');
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Yes, do it' }).click();
    await expect
      .poll(() => admin.locator(`tr[data-channel-id="${other.id}"] td`).first().textContent())
      .toBe('7.5%');
    const channelNow = () =>
      ok<{ inviteCode: string; commissionBps: number }>(url, 'GET', `/api/channels/${other.id}`, adminToken);
    const before = await channelNow();
    expect(before.commissionBps).toBe(750);
    await settings.getByRole('button', { name: 'New invite code' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Yes, do it' }).click();
    await expect.poll(async () => (await channelNow()).inviteCode).not.toBe(before.inviteCode);

    console.log(JSON.stringify({ figure: 'web.staff', orderToDashboardMs, unknownMemberCode: failedCode }));

    // ── The manager cannot reach another channel: not in the UI, and 403 from the API.
    const navLinks = await mgr.locator('nav.staff-nav a').allTextContents();
    expect(navLinks).not.toContain('Orders');
    expect(navLinks).not.toContain('Devices');
    await mgr.goto(`${url}/staff/orders`);
    await mgr.locator('main[data-page="/staff"]').waitFor();
    await nav(mgr, 'Channels');
    await mgr.locator(`tr[data-channel-id="${channelId}"]`).waitFor();
    expect(await mgr.locator(`tr[data-channel-id="${other.id}"]`).count()).toBe(0);
    await nav(mgr, 'Payouts');
    await mgr.locator(`.payouts-table tr[data-channel-id="${channelId}"]`).waitFor();
    expect(await mgr.locator('.payouts-table tr[data-channel-id]').count()).toBe(1);
    const mgrToken = (
      await ok<{ accessToken: string }>(url, 'POST', '/api/auth/login', undefined, {
        login: 'mona@staff.test',
        password: 'mona-password-1',
      })
    ).accessToken;
    const now = Date.now();
    const statuses: Record<string, number> = {};
    for (const [method, p] of [
      ['GET', `/api/channels/${other.id}`],
      ['GET', `/api/channels/${other.id}/invitations`],
      ['GET', `/api/metrics/channels/${other.id}`],
      ['GET', `/api/payouts?channelId=${other.id}&from=0&to=${now}`],
      ['POST', `/api/orders/${order.orderId}/confirm-payment`],
      ['GET', '/api/devices'],
    ] as const) {
      const res = await call(url, method, p, { token: mgrToken, ...(method === 'POST' ? { body: {} } : {}) });
      statuses[`${method} ${p.replace(other.id, 'OTHER').replace(order.orderId, 'ORDER')}`] = res.status;
    }
    console.log(JSON.stringify(statuses));
    expect(statuses).toEqual({
      // Another channel's records are not even revealed to exist (404); its figures and actions are 403.
      'GET /api/channels/OTHER': 404,
      'GET /api/channels/OTHER/invitations': 404,
      'GET /api/metrics/channels/OTHER': 403,
      [`GET /api/payouts?channelId=OTHER&from=0&to=${now}`]: 403,
      'POST /api/orders/ORDER/confirm-payment': 403,
      'GET /api/devices': 403,
    });
  });
});
