// The durable scheduler: due jobs fire once even with two runners on one PostgreSQL store; a job a
// crashed node had claimed runs elsewhere once its lease ends; a rescheduled key moves its job, a
// cancelled one never fires; a live session's "15 minutes before" comes from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JobRunner,
  jobHandlers,
  LiveSales,
  messagingConsumer,
  type Store,
} from '../../commerce/internals.ts';
import { deliver } from '../helpers/ledger.ts';
import { testLogger } from '../helpers/logger.ts';
import { openTestStore, STORE_BACKENDS, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const OPTIONS = { pollMs: 1000, leaseMs: 60_000, batch: 10, maxAttempts: 3 };

function runner(store: Store, nodeId: string, now: () => number) {
  return new JobRunner({ db: store.db, logger: testLogger, nodeId, options: OPTIONS, now });
}

describe.each(STORE_BACKENDS)('scheduler on $name', ({ name }) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(name);
  }, 30_000);
  afterAll(() => t?.cleanup());

  it('each due job fires once across two runners; later ones wait; a cancelled one never fires', async () => {
    const fired: string[] = [];
    const clock = 1_000_000;
    const [a, b] = [runner(t.store, 'a', () => clock), runner(t.store, 'b', () => clock)];
    for (const r of [a, b])
      r.handle('tick', async (_trx, p) => {
        await new Promise((res) => setTimeout(res, 1));
        fired.push(String(p.n));
      });
    for (let n = 0; n < 40; n++) await a.schedule('tick', clock - n, { n }, `tick:${n}`);
    await a.schedule('tick', clock + 1, { n: 'later' }, 'tick:later');
    await a.schedule('tick', clock - 1, { n: 'cancelled' }, 'tick:cancelled');
    expect(await b.cancel('tick:cancelled')).toBe(true);
    // Scheduling the same key again moves the job, it does not add one.
    await a.schedule('tick', clock - 5, { n: 0 }, 'tick:0');
    await Promise.all([a.runDue(), b.runDue(), a.runDue()]);
    expect(fired.sort()).toEqual(Array.from({ length: 40 }, (_, n) => String(n)).sort());
  });

  it('a job claimed by a node that died runs on another once the lease has passed', async () => {
    let clock = 5_000_000;
    const dead = runner(t.store, 'dead', () => clock);
    await dead.schedule('orphan', clock, { n: 1 }, 'orphan:1');
    // The dead node claimed it (its lease written) and never ran it.
    await t.store.db
      .updateTable('jobs')
      .set({ claimed_by: 'dead', lease_until_ms: clock + OPTIONS.leaseMs })
      .where('dedupe_key', '=', 'orphan:1')
      .execute();
    const fired: number[] = [];
    const alive = runner(t.store, 'alive', () => clock);
    alive.handle('orphan', async (_trx, p) => {
      fired.push(Number(p.n));
    });
    await alive.runDue();
    expect(fired).toEqual([]);
    clock += OPTIONS.leaseMs + 1;
    await alive.runDue();
    await alive.runDue();
    expect(fired).toEqual([1]);
  });

  it('a scheduled live: the consumer schedules "15 minutes before", which queues a reminder per subscriber', async () => {
    const host = await seedPerson(t.store, tokens, { roles: ['host'] });
    const fan = await seedPerson(t.store, tokens, {});
    const sales = new LiveSales(t.store);
    const startsAt = Date.now() + 3_600_000;
    const session = await sales.createSession(
      { personId: host.person.id, roles: host.person.roles },
      { title: 'Soon', scheduledAtMs: startsAt },
    );
    await t.store.db
      .insertInto('live_reminders')
      .values({ session_id: session.sessionId, person_id: fan.person.id, created_at_ms: Date.now() })
      .execute();
    await deliver(t.store, messagingConsumer({}));
    const job = await t.store.db
      .selectFrom('jobs')
      .selectAll()
      .where('dedupe_key', '=', `session:${session.sessionId}:15min`)
      .executeTakeFirstOrThrow();
    expect(Number(job.due_at_ms)).toBe(startsAt - 15 * 60_000);
    const r = runner(t.store, 'n', () => startsAt - 15 * 60_000);
    for (const [kind, h] of Object.entries(jobHandlers)) r.handle(kind, h);
    await r.runDue();
    const msgs = await t.store.db
      .selectFrom('messages')
      .selectAll()
      .where('person_id', '=', fan.person.id)
      .execute();
    expect(msgs).toEqual([expect.objectContaining({ kind: 'live_reminder_15min', status: 'queued' })]);
    expect(JSON.parse(msgs[0]!.params)).toMatchObject({ title: 'Soon', scheduledAtMs: startsAt });
  });
});
