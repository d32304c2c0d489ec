// Follow-ups on both store backends: records appear as channels learn of people, facts move stages
// (a paid order → bought, from lost too) and say so in the history, a check-in records attendance
// without moving the stage, the consumer applies each fact exactly once (a replay from position 0 adds
// nothing), people's own changes (stage, owner, notes, tasks) are checked against who asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversionRollupConsumer,
  type EventConsumer,
  FollowUps,
  followUpConsumer,
  OfflineEvents,
  type People,
  Readings,
} from '../../commerce/internals.ts';
import { createPeople } from '../../gateway/compose/services.ts';
import { actorOf, deliver, placeOrder, seedChannel } from '../helpers/ledger.ts';
import {
  MessageLog,
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedPerson,
  seedStaff,
  type TestStore,
  testConfig,
  testTokens,
} from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

describe.each(STORE_BACKENDS)('follow-ups on $name', ({ name }) => {
  let t: TestStore;
  let people: People;
  let followUps: FollowUps;
  let staff: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let c1: string;
  let c2: string;
  const consumers: EventConsumer[] = [
    followUpConsumer(),
    conversionRollupConsumer({ attributionWindowMs: 7 * 86_400_000 }),
  ];
  const settle = async () => {
    for (const c of consumers) await deliver(t.store, c);
  };

  beforeAll(async () => {
    t = await openTestStore(name);
    people = createPeople(t.store, testConfig(), { messenger: new MessageLog() });
    followUps = new FollowUps(t.store);
    staff = await seedStaff(t.store, tokens);
    m1 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    m2 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    c1 = await seedChannel(t.store, { commissionBps: 1000, managerId: m1.person.id, name: 'C1' });
    c2 = await seedChannel(t.store, { commissionBps: 500, managerId: m2.person.id, name: 'C2' });
  }, 30_000);
  afterAll(() => t?.cleanup());

  let mailSeq = 0;
  let readingSeq = 0;
  async function invitee(manager: Seeded, channelId: string) {
    const r = await people.invite(actorOf(manager), channelId, {
      displayName: `Prospect ${++mailSeq}`,
      email: `prospect-${mailSeq}-${name}@example.test`,
    });
    await settle();
    // A manager's invitation is held back until the person acts: nothing for the manager yet.
    const hidden = await followUps.list(actorOf(manager), {
      search: r.person!.memberCode,
      limit: 5,
      offset: 0,
    });
    expect(hidden.rows).toHaveLength(0);
    // Staff vouch for the person in front of them: the invitation takes effect.
    await people.vouchForContact(actorOf(staff), r.person!.id, 'email');
    await settle();
    const { rows } = await followUps.list(actorOf(manager), {
      search: r.person!.memberCode,
      limit: 5,
      offset: 0,
    });
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  async function followUpOf(personId: string) {
    const { rows } = await followUps.list(actorOf(staff), { limit: 100, offset: 0, search: undefined });
    return rows.find((r) => r.personId === personId);
  }

  it('a channel invitation, once the person acts, opens a record owned by the channel manager, with the invited milestone', async () => {
    const row = await invitee(m1, c1);
    expect(row).toMatchObject({ channelId: c1, channelName: 'C1', ownerId: m1.person.id, stage: 'new' });
    const detail = await followUps.get(actorOf(m1), row.followUpId);
    expect(detail.milestones.map((m) => [m.kind, m.refType, m.refId])).toEqual([['invited', 'channel', c1]]);
    expect(detail.history.map((h) => [h.kind, h.to, h.actorId])).toEqual([
      ['created', 'new', null],
      ['milestone', 'invited', null],
    ]);
  });

  it('a paid order moves the record to bought by itself (from lost too), once, and the history names the order', async () => {
    const buyer = await seedPerson(t.store, tokens, { channelId: c1 });
    const orders = testOrders(t.store);
    const { card } = await liveCard(t.store, tokens, { units: 5, priceMinor: 10_000 });
    const first = await placeOrder(orders, buyer, card.cardId);
    await settle();
    const row = (await followUpOf(buyer.person.id))!;
    expect(row.stage).toBe('new');
    await followUps.setStage(actorOf(m1), row.followUpId, { stage: 'lost', lostReason: 'moved away' });
    await orders.confirmManualPayment(actorOf(staff), first.orderId);
    await settle();
    const detail = await followUps.get(actorOf(m1), row.followUpId);
    expect(detail.followUp).toMatchObject({ stage: 'bought', lostReason: null });
    const stages = detail.history.filter((h) => h.kind === 'stage');
    expect(stages.map((h) => [h.from, h.to, h.actorId, h.sourceType, h.sourceId])).toEqual([
      ['new', 'lost', m1.person.id, null, null],
      ['lost', 'bought', null, 'order', first.orderId],
    ]);
    expect(detail.milestones.map((m) => m.kind)).toEqual(['first_order', 'paid']);

    // A second paid order records its milestone and leaves the stage; nurture is not dragged back.
    await followUps.setStage(actorOf(m1), row.followUpId, { stage: 'nurture' });
    const second = await placeOrder(orders, buyer, card.cardId);
    await orders.confirmManualPayment(actorOf(staff), second.orderId);
    await settle();
    const after = await followUps.get(actorOf(staff), row.followUpId);
    expect(after.followUp.stage).toBe('nurture');
    expect(after.milestones.filter((m) => m.kind === 'paid')).toHaveLength(2);
    expect(after.milestones.filter((m) => m.kind === 'first_order')).toHaveLength(1);
  });

  it('first orders in one batch: one milestone per buyer, none for a buyer who had one, a record for a buyer in a channel', async () => {
    const orders = testOrders(t.store);
    const { card } = await liveCard(t.store, tokens, { units: 20, priceMinor: 1_000 });
    const earlier = await seedPerson(t.store, tokens);
    const before = await placeOrder(orders, earlier, card.cardId);
    await settle();
    const twice = await seedPerson(t.store, tokens);
    const inChannel = await seedPerson(t.store, tokens, { channelId: c2 });
    const first = await placeOrder(orders, twice, card.cardId);
    await placeOrder(orders, twice, card.cardId);
    await placeOrder(orders, earlier, card.cardId);
    const theirs = await placeOrder(orders, inChannel, card.cardId);
    // One batch: deliver() hands the consumer every event since its position at once.
    expect(await deliver(t.store, consumers[0]!)).toBeGreaterThan(4);
    const firstOrders = async (p: Seeded) =>
      (
        await t.store.db
          .selectFrom('follow_up_milestones')
          .select('ref_id')
          .where('person_id', '=', p.person.id)
          .where('kind', '=', 'first_order')
          .execute()
      ).map((r) => r.ref_id);
    expect(await firstOrders(twice)).toEqual([first.orderId]);
    expect(await firstOrders(earlier)).toEqual([before.orderId]);
    expect(await firstOrders(inChannel)).toEqual([theirs.orderId]);
    // People in no channel have no record to show it on; the channel's person has, with its history.
    expect(await followUpOf(twice.person.id)).toBeUndefined();
    const row = (await followUpOf(inChannel.person.id))!;
    const detail = await followUps.get(actorOf(m2), row.followUpId);
    expect(detail.history.map((h) => [h.kind, h.to, h.sourceType])).toEqual([
      ['created', 'new', 'outbox'],
      ['milestone', 'first_order', 'order'],
    ]);
    expect(detail.history[1]!.sourceId).toBe(theirs.orderId);
  });

  it('a check-in records attended (and a no-show elsewhere) without moving the stage', async () => {
    const events = new OfflineEvents(t.store, people);
    const past = await events.create(actorOf(staff), {
      title: 'Last Friday',
      venue: 'Hall',
      startsAtMs: Date.now() - 3 * 86_400_000,
      channelIds: [c1],
    });
    const came = await invitee(m1, c1);
    const stayed = await invitee(m1, c1);
    const [codeCame, codeStayed] = [came.memberCode, stayed.memberCode];
    await events.invite(actorOf(m1), past.id, c1, {
      displayName: 'x',
      email: `prospect-${mailSeq - 1}-${name}@example.test`,
    });
    await events.invite(actorOf(m1), past.id, c1, {
      displayName: 'y',
      email: `prospect-${mailSeq}-${name}@example.test`,
    });
    await followUps.setStage(actorOf(m1), came.followUpId, { stage: 'contacted' });
    await events.checkIn(actorOf(staff), past.id, codeCame);
    await settle();
    const d = await followUps.get(actorOf(m1), came.followUpId);
    expect(d.followUp.stage).toBe('contacted');
    expect(d.milestones.map((m) => [m.kind, m.refId])).toEqual(
      expect.arrayContaining([
        ['invited', past.id],
        ['attended', past.id],
      ]),
    );
    expect(d.events).toEqual([expect.objectContaining({ eventId: past.id, noShow: false })]);
    const s = await followUps.get(actorOf(m1), stayed.followUpId);
    expect(s.events).toEqual([
      expect.objectContaining({ eventId: past.id, noShow: true, attendedAtMs: null }),
    ]);
    expect(s.milestones.map((m) => m.kind)).toContain('no_show');
    expect(codeStayed).toBeTruthy();

    // Filtered by the event: the two invitees; and the per-channel figures.
    const listed = await followUps.list(actorOf(m1), { eventId: past.id, limit: 10, offset: 0 });
    expect(listed.rows.map((r) => r.followUpId).sort()).toEqual([came.followUpId, stayed.followUpId].sort());
    expect(await followUps.eventAttendance(actorOf(m1), past.id)).toEqual([
      expect.objectContaining({ channelId: c1, invited: 2, attended: 1, noShow: 1 }),
    ]);
  });

  it('device tests record one tested milestone a day; a manager sees it only with health-data consent', async () => {
    const readings = new Readings(t.store);
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const people = [];
    for (const consent of [true, false]) {
      const p = await seedPerson(t.store, tokens, { channelId: c1, healthDataConsent: consent });
      await readings.ingest(
        [day + 1000, day + 2000, day - 86_400_000].map((measuredAtMs, i) => ({
          deviceId: `fu-scale-${name}`,
          bootId: 1,
          seq: ++readingSeq + i,
          metric: 'WEIGHT_KG',
          value: 70,
          measuredAtMs,
          memberCode: p.person.memberCode,
          eventId: null,
          receivedAtMs: Date.now(),
        })),
      );
      readingSeq += 3;
      people.push(p);
    }
    await settle();
    for (const [i, p] of people.entries()) {
      const row = (await followUpOf(p.person.id))!;
      const asStaff = await followUps.get(actorOf(staff), row.followUpId);
      expect(asStaff.milestones.filter((m) => m.kind === 'tested').map((m) => m.atMs)).toEqual([
        day - 86_400_000,
        day + 1000,
      ]);
      const asManager = await followUps.get(actorOf(m1), row.followUpId);
      const consented = i === 0;
      expect(asManager.milestones.filter((m) => m.kind === 'tested')).toHaveLength(consented ? 2 : 0);
      expect(asManager.followUp.lastTestAtMs).toBe(consented ? day + 2000 : null);
    }
    // Days since test: for a manager, only people who consented match; staff see both.
    const ids = people.map((p) => p.person.id);
    const tested = async (who: Seeded) =>
      (await followUps.list(actorOf(who), { maxDaysSinceTest: 2, limit: 100, offset: 0 })).rows
        .map((r) => r.personId)
        .filter((id) => ids.includes(id));
    expect(await tested(staff)).toEqual(expect.arrayContaining(ids));
    expect(await tested(m1)).toEqual([ids[0]]);
    const stale = await followUps.list(actorOf(staff), { minDaysSinceTest: 3, limit: 100, offset: 0 });
    expect(stale.rows.filter((r) => ids.includes(r.personId))).toEqual([]);
  });

  it('applies each fact exactly once: redelivery and a replay from position 0 add nothing', async () => {
    await invitee(m1, c1);
    const count = async () => {
      const n = async (table: 'follow_ups' | 'follow_up_history' | 'follow_up_milestones') =>
        Number(
          (
            await t.store.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const events = await t.store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('type', 'like', 'follow_up.%')
        .executeTakeFirstOrThrow();
      return [
        await n('follow_ups'),
        await n('follow_up_history'),
        await n('follow_up_milestones'),
        Number(events.n),
      ];
    };
    const before = await count();
    expect(await deliver(t.store, consumers[0]!)).toBe(0);
    await t.store.db.deleteFrom('consumer_positions').where('consumer', '=', 'follow-ups').execute();
    expect(await deliver(t.store, consumers[0]!)).toBeGreaterThan(0);
    expect(await count()).toEqual(before);
  });

  it('people move stages (lost needs a reason), add notes and tasks; the next due date follows open tasks', async () => {
    const row = await invitee(m1, c1);
    await expect(followUps.setStage(actorOf(m1), row.followUpId, { stage: 'lost' })).rejects.toMatchObject({
      code: 'FOLLOW_UP_LOST_REASON_REQUIRED',
    });
    await followUps.addNote(actorOf(m1), row.followUpId, 'Called, will come on Friday');
    const due = Date.now() - 60_000;
    const task = await followUps.addTask(actorOf(m1), row.followUpId, {
      kind: 'call',
      dueAtMs: due,
      nextContact: true,
    });
    expect(task).toMatchObject({ assigneeId: m1.person.id, nextContact: true, doneAtMs: null });
    const overdue = await followUps.list(actorOf(m1), { due: 'overdue', limit: 50, offset: 0 });
    expect(overdue.rows.map((r) => r.followUpId)).toContain(row.followUpId);
    const done = await followUps.setTaskDone(actorOf(m1), row.followUpId, task.taskId, true);
    expect(done).toMatchObject({ doneBy: m1.person.id });
    expect((await followUps.get(actorOf(m1), row.followUpId)).followUp.nextDueAtMs).toBeNull();
    const undone = await followUps.setTaskDone(actorOf(staff), row.followUpId, task.taskId, false);
    expect(undone).toMatchObject({ doneAtMs: null, doneBy: null });
    const d = await followUps.get(actorOf(m1), row.followUpId);
    expect(d.followUp.nextDueAtMs).toBe(due);
    expect(d.notes).toEqual([
      expect.objectContaining({ authorId: m1.person.id, body: 'Called, will come on Friday' }),
    ]);
    const types = await t.store.db
      .selectFrom('outbox')
      .select('type')
      .where('aggregate_id', '=', row.followUpId)
      .orderBy('id')
      .execute();
    expect(types.map((r) => r.type)).toEqual([
      'follow_up.created',
      'follow_up.note_added',
      'follow_up.task_added',
      'follow_up.task_done',
      'follow_up.task_undone',
    ]);
  });

  it('a second channel’s manager and a member reach none of it; an owner given a record reaches it', async () => {
    const row = await invitee(m1, c1);
    const other = actorOf(m2);
    await expect(followUps.get(other, row.followUpId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(followUps.setStage(other, row.followUpId, { stage: 'contacted' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(followUps.addNote(other, row.followUpId, 'mine now')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(followUps.list(other, { channelId: c1, limit: 5, offset: 0 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      (await followUps.list(other, { limit: 100, offset: 0 })).rows.map((r) => r.channelId),
    ).not.toContain(c1);
    const mine = await invitee(m2, c2);
    // Bulk: one record that is not yours spoils the whole request, nothing changes.
    await expect(
      followUps.assign(other, [mine.followUpId, row.followUpId], other.personId),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const member = await seedPerson(t.store, tokens);
    await expect(followUps.list(actorOf(member), { limit: 5, offset: 0 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(followUps.get(actorOf(member), row.followUpId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // An owner must be someone who works follow-ups.
    await expect(followUps.assign(actorOf(m1), [row.followUpId], member.person.id)).rejects.toMatchObject({
      code: 'FOLLOW_UP_OWNER_INVALID',
    });
    // m1 hands the record to m2 (a colleague): m2 now reaches that one record, with its notes.
    await followUps.addNote(actorOf(m1), row.followUpId, 'over to you');
    expect(await followUps.assign(actorOf(m1), [row.followUpId], m2.person.id)).toBe(1);
    const handed = await followUps.get(other, row.followUpId);
    expect(handed.notes.map((n) => n.body)).toEqual(['over to you']);
    expect(handed.history.filter((h) => h.kind === 'owner').map((h) => [h.from, h.to])).toEqual([
      [m1.person.id, m2.person.id],
    ]);
  });
});
