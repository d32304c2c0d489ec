// The goal-rules staff page in headless Chromium: staff reach it from the nav, see the rules, are told
// in place when "From" is not below "To", add a rule, and delete it only after confirming; a channel
// manager's nav has no such page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../loadtest/clients/browser.ts';
import { call } from '../helpers/http-call.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';
import { screenshot, startWebNode, type WebNode } from '../helpers/web-apps.ts';

const tokens = testTokens();

interface Rule {
  ruleId: string;
  metric: string;
  goal: string;
}

describe('goal rules page in a real browser', () => {
  let node: WebNode;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let staff: Seeded;

  beforeAll(async () => {
    node = await startWebNode();
    browser = await launchChromium();
    staff = await seedPerson(node.platform.store, tokens, {
      roles: ['staff'],
      email: 'goals-staff@staff.test',
      password: 'staff-password-1',
    });
    await seedPerson(node.platform.store, tokens, {
      roles: ['channel_manager'],
      email: 'goals-manager@staff.test',
      password: 'manager-password-1',
    });
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await node?.close();
  });

  async function loggedIn(login: string, password: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
    contexts.push(ctx);
    const p = await ctx.newPage();
    await p.goto(`${node.url}/staff`);
    await p.getByLabel('E-mail or phone').fill(login);
    await p.getByLabel('Password', { exact: true }).fill(password);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.locator('nav.staff-nav').waitFor();
    return p;
  }

  const rules = async () =>
    (await call<{ rules: Rule[] }>(node.url, 'GET', '/api/goal-rules', { token: staff.token })).body.rules;

  it('lists, adds and deletes (after confirming) a rule', async () => {
    const p = await loggedIn('goals-staff@staff.test', 'staff-password-1');
    await p.locator('nav.staff-nav').getByRole('link', { name: 'Goal rules' }).click();
    const table = p.locator('table.goals-table');
    await table.locator('[data-rule-id="goal-body-fat-pct"]').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(9);

    const form = p.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Metric').selectOption('GLUCOSE_MMOL_L');
    await form.getByLabel('From', { exact: true }).fill('20');
    await form.getByLabel('To', { exact: true }).fill('7');
    await form.getByLabel('Goal', { exact: true }).fill('blood sugar');
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('must be below');
    expect(await form.getByRole('button', { name: 'Create' }).isDisabled()).toBe(true);
    await form.getByLabel('From', { exact: true }).fill('7');
    await form.getByLabel('To', { exact: true }).fill('20');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(async () => (await rules()).some((r) => r.goal === 'blood sugar')).toBe(true);
    const added = (await rules()).find((r) => r.goal === 'blood sugar')!;
    const row = table.locator(`[data-rule-id="${added.ruleId}"]`);
    await row.waitFor();
    await screenshot(p, 'staff-goals');

    // Deleting asks first: "Cancel" keeps the rule, "Yes" removes it.
    await row.getByRole('button', { name: 'Delete' }).click();
    const dialog = p.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('blood sugar');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await rules()).some((r) => r.ruleId === added.ruleId)).toBe(true);
    await row.getByRole('button', { name: 'Delete' }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Yes, do it' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await rules()).some((r) => r.ruleId === added.ruleId)).toBe(false);
  }, 90_000);

  it('is not in a channel manager’s nav', async () => {
    const p = await loggedIn('goals-manager@staff.test', 'manager-password-1');
    expect(await p.locator('nav.staff-nav').getByRole('link', { name: 'Goal rules' }).count()).toBe(0);
  }, 60_000);
});
