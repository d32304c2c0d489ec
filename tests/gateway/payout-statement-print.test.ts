// The printable commission statement of a payout run: its figures are the run's (every printed payable
// adds up to the run's totals, each channel's section equals its JSON statement line), one channel's
// statement prints that channel alone, and a manager cannot print another channel's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPosition } from '../../commerce/events/index.ts';
import { releaseDue } from '../../commerce/internals.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { actorOf, placeOrder, seedChannel } from '../helpers/ledger.ts';
import { type Seeded, STORE_BACKENDS, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

interface Line {
  accountKind: string;
  accountId: string;
  orders: number;
  gmvMinor: number;
  refundedGmvMinor: number;
  commissionMinor: number;
  adjustmentsMinor: number;
  payableMinor: number;
}

/** The figures a printed section shows, read back from its `data-minor` / `data-count` cells. */
function sections(html: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of html.matchAll(
    /<section class="account"[^>]*data-account-id="([^"]+)">([\s\S]*?)<\/section>/g,
  ))
    out.set(
      m[1]!,
      [...m[2]!.matchAll(/data-(?:minor|count)="(-?\d+)"/g)].map((x) => Number(x[1])),
    );
  return out;
}

function printedTotals(html: string): Map<string, number> {
  const table = html.slice(html.indexOf('<table class="totals">'));
  return new Map(
    [
      ...table.matchAll(/data-account-kind="([^"]+)" data-currency="([^"]+)">[\s\S]*?data-minor="(-?\d+)"/g),
    ].map((m) => [`${m[1]}/${m[2]}`, Number(m[3])]),
  );
}

describe.each(STORE_BACKENDS)('printable payout statement on $name', ({ name }) => {
  let t: ApiPlatform;
  let staff: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let c1: string;
  let c2: string;
  let runId: string;

  beforeAll(async () => {
    t = await startApiPlatform(name, { delivery: true });
    staff = await seedStaff(t.store, tokens);
    m1 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    m2 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    c1 = await seedChannel(t.store, { commissionBps: 1000, managerId: m1.person.id, name: 'First <b>' });
    c2 = await seedChannel(t.store, { commissionBps: 500, managerId: m2.person.id, name: 'Second' });
    const { card } = await liveCard(t.store, tokens, { units: 10, priceMinor: 19_900 });
    const orders = testOrders(t.store);
    // C1: two paid orders; C2: one.
    for (const channelId of [c1, c1, c2]) {
      const buyer = await seedPerson(t.store, tokens, { channelId });
      const order = await placeOrder(orders, buyer, card.cardId);
      await orders.confirmManualPayment(actorOf(staff), order.orderId);
    }
    const last = await t.store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    await waitFor(async () => (await readPosition(t.store.db, 'ledger')) >= Number(last.id));
    await releaseDue(t.store, Date.now() + 8 * 86_400_000);
    const run = await call(t.url, 'POST', '/api/payout-runs', {
      token: staff.token,
      body: { from: 0, to: Date.now() + 1 },
    });
    expect(run.status).toBe(201);
    runId = run.body.runId as string;
  }, 60_000);
  afterAll(() => t?.close());

  const print = (token: string, query = '') =>
    fetch(`${t.url}/api/payout-runs/${runId}/statement?format=html${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });

  it("prints the run's figures: each section is its statement line, the totals are the run's", async () => {
    const res = await print(staff.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('@media print');
    // A channel's name is text, never markup.
    expect(html).toContain('First &lt;b&gt;');
    const json = await call<Line[]>(t.url, 'GET', `/api/payout-runs/${runId}/statement`, {
      token: staff.token,
    });
    const printed = sections(html);
    const channels = json.body.filter((l) => l.accountKind === 'channel');
    expect(channels.map((l) => l.accountId).sort()).toEqual([c1, c2].sort());
    for (const l of json.body)
      expect(printed.get(l.accountId)).toEqual([
        l.orders,
        l.gmvMinor,
        expect.any(Number),
        l.refundedGmvMinor,
        l.commissionMinor,
        l.adjustmentsMinor,
        l.payableMinor,
      ]);
    expect(printed.get(c1)!.slice(0, 2)).toEqual([2, 39_800]);
    expect(printed.get(c1)!.at(-1)).toBe(3_980);
    const runs = await call<
      Array<{ runId: string; totals: Array<{ accountKind: string; currency: string; amountMinor: number }> }>
    >(t.url, 'GET', '/api/payout-runs', { token: staff.token });
    const totals = runs.body.find((r) => r.runId === runId)!.totals;
    expect(totals.length).toBeGreaterThan(0);
    expect(printedTotals(html)).toEqual(
      new Map(totals.map((x) => [`${x.accountKind}/${x.currency}`, x.amountMinor])),
    );
  });

  it("one channel's statement prints that channel alone, its manager's included", async () => {
    const html = await (await print(m1.token, `&accountId=${c1}`)).text();
    expect([...sections(html).keys()]).toEqual([c1]);
    expect(printedTotals(html)).toEqual(new Map([['channel/CNY', 3_980]]));
  });

  it("another channel's manager cannot print it; a member cannot print at all", async () => {
    const other = await print(m2.token, `&accountId=${c1}`);
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain('First');
    const whole = await (await print(m2.token)).text();
    expect([...sections(whole).keys()]).toEqual([c2]);
    const member = await seedPerson(t.store, tokens);
    expect((await print(member.token)).status).toBe(403);
    const bad = await call(t.url, 'GET', `/api/payout-runs/${runId}/statement?format=pdf`, {
      token: staff.token,
    });
    expect(bad.status).toBe(400);
  });
});
