// A video consultation in two real browsers: the member's page and the expert's page (headless
// Chromium, fake cameras) join the same /consult room with passes from the API, and each decodes the
// other's video. The expert's page shows the member's readings beside the video (the member consented),
// and that read is in the audit log. Join → first decoded frame on both sides is printed as a figure.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStore, type Store } from '../../commerce/internals.ts';
import { buildWebPages, launchChromium } from '../../loadtest/clients/browser.ts';
import { type MediaNode, startMediaNode } from '../../loadtest/clients/media-node.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { type Seeded, seedPerson } from '../helpers/people.ts';

const MIN = 60_000;

interface ConsultView {
  side?: string;
  error: string;
  producers: number;
  readings: number;
  framesDecoded(): Promise<number>;
}

describe('a video consultation in the browser', () => {
  let node: MediaNode;
  let browser: Browser;
  let store: Store;

  beforeAll(async () => {
    await buildWebPages();
    node = await startMediaNode(1);
    store = asStore(node.platform.store);
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  async function open(who: Seeded, consultationId: string): Promise<Page> {
    const context = await browser.newContext();
    await context.addInitScript({
      content: `sessionStorage.setItem('vl.accessToken', ${JSON.stringify(who.token)})`,
    });
    const page = await context.newPage();
    await page.goto(`${node.baseUrl}/web/consult.html?c=${consultationId}`);
    return page;
  }

  /**
   * Polls the page until it publishes both tracks and decodes the other side's video (its error, if any,
   * fails the test).
   */
  async function decoded(page: Page): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await page.evaluate(async () => {
        const v = (globalThis as unknown as { vitaliveConsult?: ConsultView }).vitaliveConsult;
        return { error: v?.error ?? '', frames: v ? await v.framesDecoded() : 0, producers: v?.producers };
      });
      if (s.error) throw new Error(s.error);
      if (s.frames > 0 && s.producers === 2) return;
      if (Date.now() > deadline) throw new Error('no decoded frame within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('member and expert decode each other’s video; the expert sees the readings, audited', async () => {
    const expert = await seedPerson(store, node.tokens, { roles: ['expert'], displayName: 'Dr Lin' });
    const member = await seedPerson(store, node.tokens, { displayName: 'Mei', healthDataConsent: true });
    const now = Date.now();
    await store.db
      .insertInto('readings')
      .values({
        device_id: 'dev-1',
        boot_id: 1,
        seq: 1,
        metric: 'systolic',
        value: 142,
        measured_at_ms: now - 3_600_000,
        member_code: member.person.memberCode,
        event_id: null,
        person_id: member.person.id,
        received_at_ms: now,
        ingested_at_ms: now,
      })
      .execute();
    const id = randomUUID();
    await store.db
      .insertInto('consultations')
      .values({
        id,
        expert_id: expert.person.id,
        person_id: member.person.id,
        clinic_id: null,
        starts_at_ms: now - MIN,
        ends_at_ms: now + 29 * MIN,
        status: 'booked',
        holds_slot: 1,
        channel_id: null,
        booked_by: member.person.id,
        created_at_ms: now,
        updated_at_ms: now,
      })
      .execute();

    const started = performance.now();
    const [m, e] = await Promise.all([open(member, id), open(expert, id)]);
    await Promise.all([decoded(m), decoded(e)]);
    console.log(
      JSON.stringify({ figure: 'consult.bothDecodingMs', ms: Math.round(performance.now() - started) }),
    );
    const view = (p: Page) =>
      p.evaluate(() => {
        const v = (globalThis as unknown as { vitaliveConsult: ConsultView }).vitaliveConsult;
        return { side: v.side, producers: v.producers, readings: v.readings };
      });
    expect(await view(m)).toMatchObject({ side: 'member', producers: 2, readings: -1 });
    await e.waitForFunction(
      () => (globalThis as unknown as { vitaliveConsult: ConsultView }).vitaliveConsult.readings >= 0,
    );
    expect(await view(e)).toMatchObject({ side: 'expert', producers: 2, readings: 1 });
    expect(await e.locator('#readings').textContent()).toContain('142');
    const audit = await store.db
      .selectFrom('readings_access_log')
      .select(['actor_id', 'action'])
      .where('person_id', '=', member.person.id)
      .execute();
    expect(audit).toContainEqual({ actor_id: expert.person.id, action: 'read_raw' });
    // Each side receives exactly the other side's two tracks. A page decodes video before its audio
    // consumer is necessarily up, so the seats are read once both have settled (or the wait runs out and
    // the comparison below shows what each side consumes).
    const seats = () => {
      const all = node.platform.consultMedia.rooms.get(id)!.seats();
      const sorted = (ids: readonly string[]) => [...ids].sort();
      const of = (side: string) => {
        const seat = all.find((s) => s.side === side)!;
        return {
          producers: seat.producers,
          producerIds: sorted(seat.producerIds),
          consumes: sorted(seat.consumes),
        };
      };
      return { member: of('member'), expert: of('expert') };
    };
    const crossed = () => {
      const { member: ms, expert: es } = seats();
      return (
        JSON.stringify(ms.consumes) === JSON.stringify(es.producerIds) &&
        JSON.stringify(es.consumes) === JSON.stringify(ms.producerIds)
      );
    };
    await waitFor(crossed, { timeoutMs: 15_000, what: 'each side to consume the other side’s tracks' }).catch(
      () => undefined,
    );
    const { member: memberSeat, expert: expertSeat } = seats();
    expect([memberSeat.producers, expertSeat.producers]).toEqual([2, 2]);
    expect(memberSeat.consumes).toEqual(expertSeat.producerIds);
    expect(expertSeat.consumes).toEqual(memberSeat.producerIds);
  }, 120_000);
});
