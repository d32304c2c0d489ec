// A channel manager's morning after last Friday's event, in headless Chromium, on a desktop and on a
// 360 px phone: the events page shows invited / came / did not come for each of her three channels (and
// nothing of another manager's channel), the "Follow up" link of a channel opens exactly that channel's
// no-shows, and on one of them she records a stage, a next-contact date and a note, and sees them. A
// second manager, on the same event, sees only his own channel. Screenshots go to test-output/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../loadtest/clients/browser.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { call } from '../helpers/http-call.ts';
import { seedChannel } from '../helpers/ledger.ts';
import { type Seeded, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';
import { ok, screenshot, startWebNode, type WebNode } from '../helpers/web-apps.ts';

const tokens = testTokens();
const PASSWORD = 'events-turnout-password-1';
const DAY_MS = 86_400_000;

/** Per channel: who was invited and whether they checked in. */
const GUESTS: Record<'north' | 'east' | 'west' | 'south', Array<[name: string, came: boolean]>> = {
  north: [
    ['Ann Came', true],
    ['Ben Noshow', false],
    ['Cal Noshow', false],
  ],
  east: [['Dee Came', true]],
  west: [['Eve Noshow', false]],
  south: [
    ['Yan Came', true],
    ['Zed Noshow', false],
  ],
};

describe('events page: turnout per channel and the no-shows one click from their follow-up', () => {
  let node: WebNode;
  let browser: Browser;
  let staff: Seeded;
  let mia: Seeded;
  let sam: Seeded;
  const channel: Record<keyof typeof GUESTS, string> = { north: '', east: '', west: '', south: '' };
  let eventId = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    node = await startWebNode();
    const { store } = node.platform;
    staff = await seedStaff(store, tokens, { displayName: 'Desk' });
    mia = await seedPerson(store, tokens, {
      roles: ['channel_manager'],
      email: 'mia@events.test',
      password: PASSWORD,
      displayName: 'Mia Manager',
    });
    sam = await seedPerson(store, tokens, {
      roles: ['channel_manager'],
      email: 'sam@events.test',
      password: PASSWORD,
      displayName: 'Sam Manager',
    });
    for (const key of ['north', 'east', 'west'] as const)
      channel[key] = await seedChannel(store, { commissionBps: 800, managerId: mia.person.id, name: key });
    channel.south = await seedChannel(store, { commissionBps: 800, managerId: sam.person.id, name: 'south' });
    eventId = (
      await ok<{ id: string }>(node.url, 'POST', '/api/events', staff.token, {
        title: 'Friday open day',
        venue: 'Main hall',
        startsAtMs: Date.now() - 3 * DAY_MS,
        channelIds: Object.values(channel),
      })
    ).id;
    for (const [key, guests] of Object.entries(GUESTS) as Array<[keyof typeof GUESTS, typeof GUESTS.north]>)
      for (const [name, came] of guests) {
        const { memberCode } = await ok<{ memberCode: string }>(
          node.url,
          'POST',
          `/api/events/${eventId}/invitees`,
          staff.token,
          {
            channelId: channel[key],
            displayName: name,
            email: `${name.split(' ')[0]!.toLowerCase()}@events.test`,
          },
        );
        if (came) await ok(node.url, 'POST', `/api/events/${eventId}/check-ins`, staff.token, { memberCode });
      }
    // Every invitee's follow-up record is opened by the follow-up consumer.
    await waitFor(async () => {
      const r = await call<{ total: number }>(node.url, 'GET', `/api/follow-ups?eventId=${eventId}`, {
        token: staff.token,
      });
      return r.body.total === 7;
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await node?.close();
  });

  async function signIn(email: string, viewport: { width: number; height: number }): Promise<Page> {
    const ctx = await browser.newContext({ viewport, locale: 'en-US' });
    contexts.push(ctx);
    const p = await ctx.newPage();
    await p.goto(`${node.url}/staff`);
    await p.getByLabel('E-mail or phone').fill(email);
    await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.locator('nav.staff-nav').waitFor();
    return p;
  }

  async function openEvent(p: Page): Promise<void> {
    await p.locator('nav.staff-nav').getByRole('link', { name: 'Events & check-in' }).click();
    await p
      .locator(`tr[data-event-id="${eventId}"]`)
      .getByRole('button', { name: 'Friday open day' })
      .click();
    await p.locator('.turnout-table tr.turnout-channel').first().waitFor();
  }

  /** channel id → [invited, came, did not come] as the page shows them. */
  async function turnoutOf(p: Page): Promise<Record<string, number[]>> {
    const rows = await p
      .locator('.turnout-table tr.turnout-channel')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-channel-id'),
          [...tr.querySelectorAll('td.num')].map((td) => Number(td.textContent)),
        ]),
      );
    return Object.fromEntries(rows);
  }

  const listed = (p: Page) =>
    p
      .locator('.follow-ups-table tr[data-follow-up-id] th button')
      .evaluateAll((bs) => bs.map((b) => b.textContent).sort());

  for (const [label, viewport, noShow] of [
    ['desktop', { width: 1366, height: 900 }, 'Ben Noshow'],
    ['phone', { width: 360, height: 780 }, 'Cal Noshow'],
  ] as const)
    it(`a manager follows up a no-show from the event's turnout (${label})`, async () => {
      const p = await signIn('mia@events.test', viewport);
      await openEvent(p);
      expect(await turnoutOf(p)).toEqual({
        [channel.north]: [3, 1, 2],
        [channel.east]: [1, 1, 0],
        [channel.west]: [1, 0, 1],
      });
      // The page itself never scrolls sideways: wide tables scroll inside their panel.
      if (viewport.width === 360)
        expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await screenshot(p, `staff-events-turnout-${label}`);

      // "Follow up" on the north channel: its no-shows, not the one who came, not the other channels'.
      await p.locator(`tr.turnout-channel[data-channel-id="${channel.north}"]`).getByRole('link').click();
      await p.locator('.follow-ups-table tr[data-follow-up-id]').first().waitFor();
      await waitFor(async () => (await listed(p)).length === 2);
      expect(await listed(p)).toEqual(['Ben Noshow', 'Cal Noshow']);
      await screenshot(p, `staff-follow-ups-no-shows-${label}`);

      await p.locator('.follow-ups-table').getByRole('button', { name: noShow }).click();
      const dialog = p.getByRole('dialog');
      await dialog.locator('.follow-up-detail').waitFor();
      await dialog.locator('li[data-kind="no_show"]').waitFor();
      await dialog.getByLabel('Stage', { exact: true }).selectOption('contacted');
      await dialog.getByRole('button', { name: 'Save stage' }).click();
      await dialog.locator('.follow-up-detail[data-stage="contacted"]').waitFor();
      const due = new Date(Date.now() + 2 * DAY_MS);
      due.setHours(10, 0, 0, 0);
      const local = `${due.getFullYear()}-${String(due.getMonth() + 1).padStart(2, '0')}-${String(due.getDate()).padStart(2, '0')}T10:00`;
      await dialog.getByLabel('Due', { exact: true }).fill(local);
      await dialog.getByRole('button', { name: 'Add task' }).click();
      await dialog.locator('ul.tasks li', { hasText: 'Next-contact date' }).waitFor();
      const note = `Called ${noShow}: coming to the next open day`;
      await dialog.getByRole('textbox', { name: 'Add note' }).fill(note);
      await dialog.getByRole('button', { name: 'Add note' }).click();
      await dialog.locator('ul.notes li', { hasText: note }).waitFor();
      await screenshot(p, `staff-follow-up-note-${label}`);
      // The list behind the dialog shows the new stage and the next contact without a reload.
      const row = p.locator('.follow-ups-table tr[data-follow-up-id]', { hasText: noShow });
      await p.locator('.follow-ups-table tr[data-stage="contacted"]', { hasText: noShow }).waitFor();
      expect(await row.locator('td').nth(4).textContent()).not.toBe('—');

      // What the page showed is what was recorded.
      const id = await row.getAttribute('data-follow-up-id');
      const detail = await ok<{
        followUp: { stage: string; nextDueAtMs: number | null };
        notes: Array<{ body: string; authorId: string }>;
      }>(node.url, 'GET', `/api/follow-ups/${id}`, mia.token);
      expect(detail.followUp.stage).toBe('contacted');
      expect(detail.followUp.nextDueAtMs).toBe(due.getTime());
      expect(detail.notes.map((n) => [n.body, n.authorId])).toEqual([[note, mia.person.id]]);
    });

  it("a second manager sees only his own channel's turnout and no-shows", async () => {
    const p = await signIn('sam@events.test', { width: 1366, height: 900 });
    await openEvent(p);
    expect(await turnoutOf(p)).toEqual({ [channel.south]: [2, 1, 1] });
    await p.locator(`tr.turnout-channel[data-channel-id="${channel.south}"]`).getByRole('link').click();
    await waitFor(async () => (await listed(p)).length === 1);
    expect(await listed(p)).toEqual(['Zed Noshow']);
    await screenshot(p, 'staff-events-turnout-second-manager');
  });
});
