// The staff operations added to the pages, in headless Chromium against an in-process platform: handing
// a live session to another host (found by search, confirmed); editing a product's reading ranges
// (a bad range shows its coded error, removal is confirmed); a person's recent readings where health-data
// access allows (and the coded error in the page's language where it does not); and checking someone in
// at an event by scanning their member QR code with the camera, fed a generated video.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readings } from '../../commerce/internals.ts';
import { launchChromium } from '../../loadtest/clients/browser.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';
import { writeQrVideo } from '../helpers/qr-video.ts';
import { ok, screenshot, startWebNode, type WebNode } from '../helpers/web-apps.ts';

const tokens = testTokens();
const PASSWORD = 'staff-ops-password-1';

describe('staff operations pages in a real browser', () => {
  let node: WebNode;
  let browser: Browser;
  let videoDir = '';
  let staff: Seeded;
  let scannedCode = '';
  let eventId = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    node = await startWebNode();
    const { store } = node.platform;
    staff = await seedPerson(store, tokens, {
      roles: ['staff'],
      email: 'ops-staff@staff.test',
      password: PASSWORD,
      displayName: 'Olga Staff',
    });
    // An invitee of an event, whose member code the camera will see.
    const channel = await ok<{ id: string }>(node.url, 'POST', '/api/channels', staff.token, {
      name: 'East clinic',
      commissionBps: 500,
    });
    eventId = (
      await ok<{ id: string }>(node.url, 'POST', '/api/events', staff.token, {
        title: 'Scan day',
        venue: 'East hall',
        startsAtMs: Date.now() + 3_600_000,
        channelIds: [channel.id],
      })
    ).id;
    scannedCode = (
      await ok<{ memberCode: string }>(node.url, 'POST', `/api/events/${eventId}/invitees`, staff.token, {
        channelId: channel.id,
        displayName: 'Quinn Scan',
        email: 'quinn@staff.test',
      })
    ).memberCode;
    videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-qr-'));
    const video = writeQrVideo(path.join(videoDir, 'member-qr.y4m'), scannedCode);
    browser = await launchChromium([`--use-file-for-fake-video-capture=${video}`]);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await node?.close();
    if (videoDir) fs.rmSync(videoDir, { recursive: true, force: true });
  });

  async function staffPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
    await ctx.grantPermissions(['camera']);
    contexts.push(ctx);
    const p = await ctx.newPage();
    await p.goto(`${node.url}/staff`);
    await p.getByLabel('E-mail or phone').fill('ops-staff@staff.test');
    await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.locator('nav.staff-nav').waitFor();
    return p;
  }
  const nav = (p: Page, name: string) => p.locator('nav.staff-nav').getByRole('link', { name }).click();
  const yes = (p: Page) => p.getByRole('dialog').getByRole('button', { name: 'Yes, do it' }).click();

  it('hands a live session to a host found by search, after a confirmation', async () => {
    const { store } = node.platform;
    const hostA = await seedPerson(store, tokens, { roles: ['host'], displayName: 'Hana Host' });
    const hostB = await seedPerson(store, tokens, { roles: ['host'], displayName: 'Ivo Host' });
    const session = await ok<{ sessionId: string }>(node.url, 'POST', '/api/live-sessions', hostA.token, {
      title: 'Handover live',
    });
    await ok(node.url, 'POST', `/api/live-sessions/${session.sessionId}/go-live`, hostA.token);

    const p = await staffPage();
    await nav(p, 'Live sessions');
    await p.getByRole('button', { name: 'Change host: Handover live' }).click();
    const panel = p.locator('.session-host');
    await panel.getByLabel('Find the new host').fill('Ivo Host');
    await panel.getByRole('button', { name: 'Search' }).click();
    await panel.getByRole('button', { name: 'Choose: Ivo Host' }).click();
    await panel.getByRole('button', { name: 'Assign host' }).click();
    // Cancel first: nothing changes.
    await p.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    const hostNow = async () =>
      (
        await ok<{ session: { hostPersonId: string } }>(
          node.url,
          'GET',
          `/api/live-sessions/${session.sessionId}`,
        )
      ).session.hostPersonId;
    expect(await hostNow()).toBe(hostA.person.id);
    await panel.getByRole('button', { name: 'Assign host' }).click();
    await yes(p);
    await panel.getByText('Ivo Host now hosts the session.').waitFor();
    expect(await hostNow()).toBe(hostB.person.id);
    await p
      .locator(`tr[data-session-id="${session.sessionId}"] [data-col="host"]`, {
        hasText: hostB.person.id.slice(0, 8),
      })
      .waitFor();
    await screenshot(p, 'staff-sessions-host');

    // Someone without the host role is refused with the coded error, in place.
    const member = await seedPerson(store, tokens, { displayName: 'Mo Member' });
    await panel.getByLabel('Find the new host').fill('Mo Member');
    await panel.getByRole('button', { name: 'Search' }).click();
    await panel.getByRole('button', { name: 'Choose: Mo Member' }).click();
    await panel.getByRole('button', { name: 'Assign host' }).click();
    await yes(p);
    const refused = panel.locator('.error[data-code]');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('HOST_ROLE_REQUIRED');
    expect(await hostNow()).toBe(hostB.person.id);
    expect(member.person.id).not.toBe(hostB.person.id);
  });

  it('schedules a session for a host found by search; with none chosen the creator hosts', async () => {
    const { store } = node.platform;
    const pia = await seedPerson(store, tokens, { roles: ['host'], displayName: 'Pia Host' });
    const p = await staffPage();
    await nav(p, 'Live sessions');
    const create = p.locator('section[aria-labelledby="new-session-h"]');
    await create.getByLabel('Host (find a person; none chosen: you)').fill('Pia Host');
    await create.getByRole('button', { name: 'Search' }).click();
    await create.getByRole('button', { name: 'Choose: Pia Host' }).click();
    await create.getByText(`Host: Pia Host (${pia.person.memberCode})`).waitFor();
    await create.getByLabel('Title').fill('Pia evening');
    await create.getByRole('button', { name: 'Create' }).click();
    await p.locator('tr[data-session-id]', { hasText: 'Pia evening' }).waitFor();
    // The choice is cleared after creating: the next session is the creator's own.
    await create.getByText('Host: you').waitFor();
    await create.getByLabel('Title').fill('Own evening');
    await create.getByRole('button', { name: 'Create' }).click();
    await p.locator('tr[data-session-id]', { hasText: 'Own evening' }).waitFor();
    const hostOf = async (title: string) =>
      (
        await store.db
          .selectFrom('live_sessions')
          .select('host_person_id')
          .where('title', '=', title)
          .executeTakeFirstOrThrow()
      ).host_person_id;
    expect(await hostOf('Pia evening')).toBe(pia.person.id);
    expect(await hostOf('Own evening')).not.toBe(pia.person.id);
  });

  it('edits reading ranges: a bad range shows its coded error, removing one is confirmed', async () => {
    const created = await ok<{ productId: string; skus: Array<{ skuId: string }> }>(
      node.url,
      'POST',
      '/api/products',
      staff.token,
      {
        titles: { en: 'Fibre drink', 'zh-Hans': '纤维饮', 'zh-Hant': '纖維飲' },
        skus: [{ code: 'OPS-FIBRE-1', priceMinor: 5_900, currency: 'CNY', stock: 5 }],
      },
    );
    const { productId } = created;
    const skuId = created.skus[0]!.skuId;
    const product = () =>
      ok<{ metrics: Array<{ metric: string; min: number; max: number }>; tags: string[] }>(
        node.url,
        'GET',
        `/api/products/${productId}`,
        staff.token,
      );

    const p = await staffPage();
    await nav(p, 'Catalog');
    await p.locator(`tr[data-sku-id="${skuId}"] th button`).click();
    const editor = p.locator(`.product-editor[data-product-id="${productId}"]`);
    await editor.getByLabel('Add a range for').selectOption('BODY_FAT_PCT');
    await editor.getByRole('button', { name: 'Add', exact: true }).click();
    await editor.getByLabel('Min BODY_FAT_PCT').fill('25');
    await editor.getByLabel('Max BODY_FAT_PCT').fill('45');
    await editor.getByLabel('Add a range for').selectOption('GLUCOSE_MMOL_L');
    await editor.getByRole('button', { name: 'Add', exact: true }).click();
    await editor.getByLabel('Tags (comma separated)').fill('weight-management, glucose-control');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByText('Saved.').waitFor();
    expect(await product()).toMatchObject({
      tags: ['weight-management', 'glucose-control'],
      metrics: [
        { metric: 'BODY_FAT_PCT', min: 25, max: 45 },
        { metric: 'GLUCOSE_MMOL_L', min: 0.5, max: 50 },
      ],
    });
    await p
      .locator(`tr[data-sku-id="${skuId}"] [data-col="metrics"]`, { hasText: 'BODY_FAT_PCT 25–45' })
      .waitFor();

    // min above max: the server's coded error, in the page's language; nothing saved.
    await editor.getByLabel('Min GLUCOSE_MMOL_L').fill('9');
    await editor.getByLabel('Max GLUCOSE_MMOL_L').fill('3');
    await editor.getByRole('button', { name: 'Save' }).click();
    const error = editor.locator('.error[data-code]');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('METRIC_RANGE_INVALID');
    expect(await error.textContent()).toContain('GLUCOSE_MMOL_L');
    expect((await product()).metrics[1]).toEqual({ metric: 'GLUCOSE_MMOL_L', min: 0.5, max: 50 });
    await screenshot(p, 'staff-catalog-ranges');

    // Removing a range asks first; saying yes saves the rest.
    await editor.getByLabel('Max GLUCOSE_MMOL_L').fill('11');
    await editor.getByLabel('Min GLUCOSE_MMOL_L').fill('7');
    await editor.getByRole('button', { name: 'Remove range BODY_FAT_PCT' }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await product()).metrics).toHaveLength(2);
    await editor.getByRole('button', { name: 'Remove range BODY_FAT_PCT' }).click();
    await yes(p);
    await editor.locator('tr[data-metric="BODY_FAT_PCT"]').waitFor({ state: 'detached' });
    expect((await product()).metrics).toEqual([{ metric: 'GLUCOSE_MMOL_L', min: 7, max: 11 }]);
  });

  it('creates a product from a price typed in currency units, then clears every field', async () => {
    const p = await staffPage();
    await nav(p, 'Catalog');
    const form = p.locator('form', { has: p.getByRole('heading', { name: 'New product' }) });
    await form.getByLabel('Title (English)').fill('Omega oil');
    await form.getByLabel('Title (Simplified Chinese)').fill('鱼油');
    await form.getByLabel('Tags (comma separated)').fill('heart-health');
    await form.getByLabel('SKU code').fill('OPS-OMEGA-1');
    await form.getByLabel('Currency').fill('CNY');
    await form.getByLabel('Stock').fill('12');

    // A third decimal place is not a CNY amount: the page says so and sends nothing.
    await form.getByLabel('Price (e.g. 199.00)').fill('199.005');
    await form.getByRole('button', { name: 'Create' }).click();
    const error = form.locator('.error[data-code]');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('INVALID_AMOUNT');

    await form.getByLabel('Price (e.g. 199.00)').fill('199.90');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByText('Done.').waitFor();
    const products = await ok<
      Array<{ skus: Array<{ code: string; priceMinor: number; currency: string }>; tags: string[] }>
    >(node.url, 'GET', '/api/products?limit=100', staff.token);
    const created = products.find((x) => x.skus.some((s) => s.code === 'OPS-OMEGA-1'));
    expect(created?.skus[0]).toMatchObject({ priceMinor: 19_990, currency: 'CNY' });
    expect(created?.tags).toEqual(['heart-health']);
    for (const label of [
      'Title (English)',
      'Title (Simplified Chinese)',
      'Title (Traditional Chinese)',
      'Tags (comma separated)',
      'SKU code',
      'Price (e.g. 199.00)',
    ]) {
      expect(await form.getByLabel(label).inputValue(), label).toBe('');
    }
  });

  it("shows a consenting person's recent readings (logged) and the coded error otherwise", async () => {
    const { store } = node.platform;
    const yesConsent = await seedPerson(store, tokens, {
      displayName: 'Rae Consent',
      healthDataConsent: true,
    });
    const noConsent = await seedPerson(store, tokens, {
      displayName: 'Sol Private',
      healthDataConsent: false,
    });
    const now = Date.now();
    const reading = (seq: number, memberCode: string, value: number) => ({
      deviceId: 'scale-ops-1',
      bootId: 1,
      seq,
      metric: 'WEIGHT_KG',
      value,
      measuredAtMs: now - seq * 1000,
      memberCode,
      eventId: null,
      receivedAtMs: now,
    });
    const readings = new Readings(store);
    await readings.ingest([
      reading(1, yesConsent.person.memberCode, 72.4),
      reading(2, noConsent.person.memberCode, 81.5),
    ]);

    const p = await staffPage();
    await nav(p, 'People');
    const find = async (name: string, id: string) => {
      await p.getByLabel('Member code, name, phone, e-mail or order id').fill(name);
      await p.getByRole('button', { name: 'Search', exact: true }).click();
      await p.locator(`tr[data-person-id="${id}"] button`).click();
    };
    await find('Rae Consent', yesConsent.person.id);
    const panel = p.locator('.person-panel');
    // Opening a person reads nothing; the raw readings load only when asked, and that read is logged.
    expect(await readings.accessLog(yesConsent.person.id)).toEqual([]);
    await panel.getByRole('button', { name: 'Show recent readings' }).click();
    await panel.locator('.person-readings-table [data-col="value"]', { hasText: '72.4' }).waitFor();
    expect(await panel.locator('.person-readings-table tbody tr').count()).toBe(1);
    expect((await readings.accessLog(yesConsent.person.id)).map((a) => [a.actorId, a.action])).toEqual([
      [staff.person.id, 'read_raw'],
    ]);
    await screenshot(p, 'staff-people-readings');

    // No consent: the coded error, in the language the page is in (here switched to Simplified Chinese).
    await find('Sol Private', noConsent.person.id);
    await p.getByLabel('Language').selectOption('zh-Hans');
    await panel.getByRole('button', { name: '查看最近读数' }).click();
    const error = panel.locator('.person-readings .error[data-code]');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('HEALTH_CONSENT_REQUIRED');
    expect(await error.locator('span').textContent()).toBe('此人未同意员工查看其健康检测数据。');
    expect(await panel.locator('.person-readings-table').count()).toBe(0);
    expect(await readings.accessLog(noConsent.person.id)).toEqual([]);
    await screenshot(p, 'staff-people-readings-refused');
    await p.getByLabel('语言').selectOption('en');
  });

  it('checks a member in by scanning their QR code with the camera; typing stays available', async () => {
    const p = await staffPage();
    await nav(p, 'Events & check-in');
    await p.locator(`tr[data-event-id="${eventId}"] button`).click();
    const form = p.getByRole('form', { name: 'Check in' });
    await form.getByLabel('Scan QR code').check();
    await form.locator('.qr-scanner[data-state="scanning"]').waitFor();
    // The member code field stays there while scanning.
    expect(await form.getByLabel('Member code').isEditable()).toBe(true);
    await form.getByText('Quinn Scan checked in.').waitFor({ timeout: 20_000 });
    const invitees = await ok<Array<{ memberCode: string; attended: boolean }>>(
      node.url,
      'GET',
      `/api/events/${eventId}/invitees`,
      staff.token,
    );
    expect(invitees.find((i) => i.memberCode === scannedCode)?.attended).toBe(true);
    await p.locator('.invitees-table tr[data-attended="true"]').waitFor();
    await screenshot(p, 'staff-events-scan');

    // Back to typing: an unknown code is a coded error shown in place.
    await form.getByLabel('Type', { exact: true }).check();
    expect(await form.locator('.qr-scanner').count()).toBe(0);
    await form.getByLabel('Member code').fill('NOSUCH');
    await form.getByRole('button', { name: 'Check in' }).click();
    await form.locator('.error[data-code="MEMBER_CODE_UNKNOWN"]').waitFor();
  });
});
