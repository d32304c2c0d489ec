// A channel manager's invitation that makes someone their prospect is held back until the person acts
// (commerce/people/withheld.ts), on both stores: the person is the channel's (first wins) but not in
// the manager's search, and the invitation's events wait outside the outbox; registering, a device
// test or a staff vouch releases them, in order, ahead of the act's own event. Staff invitations are
// not held back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventConsumer,
  FollowUps,
  followUpConsumer,
  type People,
  Readings,
} from '../../commerce/internals.ts';
import { createPeople } from '../../gateway/compose/services.ts';
import { actorOf, deliver, seedChannel } from '../helpers/ledger.ts';
import {
  MessageLog,
  openTestStore,
  registerProven,
  type Seeded,
  STORE_BACKENDS,
  seedPerson,
  seedStaff,
  type TestStore,
  testConfig,
  testTokens,
} from '../helpers/people.ts';

const tokens = testTokens();

describe.each(STORE_BACKENDS)('invitations held back from channel managers on $name', ({ name }) => {
  let t: TestStore;
  let people: People;
  let log: MessageLog;
  let followUps: FollowUps;
  let staff: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let c1: string;
  let c2: string;
  const consumer: EventConsumer = followUpConsumer();
  let n = 0;

  beforeAll(async () => {
    t = await openTestStore(name);
    log = new MessageLog();
    people = createPeople(t.store, testConfig(), { messenger: log });
    followUps = new FollowUps(t.store);
    staff = await seedStaff(t.store, tokens);
    m1 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    m2 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    c1 = await seedChannel(t.store, { commissionBps: 1000, managerId: m1.person.id, name: 'C1' });
    c2 = await seedChannel(t.store, { commissionBps: 1000, managerId: m2.person.id, name: 'C2' });
  }, 30_000);
  afterAll(() => t?.cleanup());

  /** The outbox events about the person, in outbox order. */
  const outboxTypes = async (personId: string) =>
    (await t.store.db.selectFrom('outbox').select(['type', 'payload']).orderBy('id').execute())
      .filter((e) => (JSON.parse(e.payload) as { personId?: string }).personId === personId)
      .map((e) => e.type);
  const heldTypes = async (personId: string) =>
    (
      await t.store.db
        .selectFrom('withheld_events')
        .select('type')
        .where('person_id', '=', personId)
        .orderBy('id')
        .execute()
    ).map((r) => r.type);
  const managerSees = async (manager: Seeded, personId: string) => {
    const page = await people.searchPeople(actorOf(manager), { limit: 500, offset: 0 });
    await deliver(t.store, consumer);
    const records = await followUps.list(actorOf(manager), { limit: 500, offset: 0 });
    return {
      listed: page.items.some((p) => p.id === personId),
      followUp: records.rows.some((r) => r.personId === personId),
    };
  };
  const invite = async (by: Seeded, channelId: string, email = `held-${++n}-${name}@example.test`) => {
    const r = await people.invite(actorOf(by), channelId, { displayName: `Held ${n}`, email });
    return { ...r, email };
  };

  it('a new prospect is the channel’s at once but shows to its manager only after registering', async () => {
    const r = await invite(m1, c1);
    const personId = r.person!.id;
    expect(r.person!.channelId).toBe(c1);
    expect(await heldTypes(personId)).toEqual(['person.created', 'person.invited']);
    expect(await outboxTypes(personId)).toEqual([]);
    expect(await managerSees(m1, personId)).toEqual({ listed: false, followUp: false });
    // Staff see the person at once.
    const staffPage = await people.searchPeople(actorOf(staff), { q: r.email, limit: 5, offset: 0 });
    expect(staffPage.items.map((p) => p.id)).toEqual([personId]);
    // First wins still holds: another channel's invitation does not take them.
    expect((await invite(m2, c2, r.email)).outcome).toBe('other_channel');
    // Inviting them again into the same channel keeps them held back (and its event with them).
    expect((await invite(m1, c1, r.email)).outcome).toBe('already_in_channel');
    expect(await heldTypes(personId)).toEqual(['person.created', 'person.invited', 'person.invited']);

    const member = await registerProven(people, log, {
      displayName: 'Held One',
      email: r.email,
      password: 'correct horse battery',
    });
    expect(member.id).toBe(personId);
    expect(await heldTypes(personId)).toEqual([]);
    const types = await outboxTypes(personId);
    // The other channel's refused invitation went out at once (it shows nothing to anyone); the held
    // events follow, then the registration.
    expect(types[0]).toBe('person.invited');
    expect(types.slice(1, 4)).toEqual(['person.created', 'person.invited', 'person.invited']);
    expect(types.indexOf('person.registered')).toBeGreaterThan(3);
    expect(await managerSees(m1, personId)).toEqual({ listed: true, followUp: true });
  });

  it('a device test releases the invitation before the reading’s own event', async () => {
    const r = await invite(m1, c1);
    const personId = r.person!.id;
    await new Readings(t.store).ingest([
      {
        deviceId: `scale-${name}`,
        bootId: 1,
        seq: n,
        metric: 'WEIGHT_KG',
        value: 70,
        measuredAtMs: Date.now() - 1000,
        memberCode: r.person!.memberCode,
        eventId: null,
        receivedAtMs: Date.now(),
      },
    ]);
    expect(await heldTypes(personId)).toEqual([]);
    expect(await outboxTypes(personId)).toEqual(['person.created', 'person.invited', 'reading.recorded']);
    expect(await managerSees(m1, personId)).toEqual({ listed: true, followUp: true });
  });

  it('staff vouching for the person releases it; a staff invitation is never held back', async () => {
    const r = await invite(m1, c1);
    await people.vouchForContact(actorOf(staff), r.person!.id, 'email');
    expect(await outboxTypes(r.person!.id)).toEqual([
      'person.created',
      'person.invited',
      'person.contact_proven',
    ]);
    expect(await managerSees(m1, r.person!.id)).toEqual({ listed: true, followUp: true });

    const byStaff = await invite(staff, c1);
    expect(await heldTypes(byStaff.person!.id)).toEqual([]);
    expect(await outboxTypes(byStaff.person!.id)).toEqual(['person.created', 'person.invited']);
    expect(await managerSees(m1, byStaff.person!.id)).toEqual({ listed: true, followUp: true });
  });

  it('a prospect without a channel joining by a manager’s invitation is held back too', async () => {
    const loose = await seedPerson(t.store, tokens, { kind: 'prospect' });
    const r = await people.invite(actorOf(m1), c1, { displayName: 'Loose', email: loose.person.email! });
    expect(r.outcome).toBe('joined');
    expect(await heldTypes(loose.person.id)).toEqual(['person.channel_changed', 'person.invited']);
    expect(await managerSees(m1, loose.person.id)).toEqual({ listed: false, followUp: false });
    await people.vouchForContact(actorOf(staff), loose.person.id, 'email');
    expect(await managerSees(m1, loose.person.id)).toEqual({ listed: true, followUp: true });
  });
});
