// Channels on both backends: attribution to the first invite or link, one winner among concurrent
// invitations, admin-only audited channel changes, channel managers confined to their own channels, and
// channel events in the outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, People, Store } from '../../commerce/internals.ts';
import { createPeople } from '../../gateway/compose/services.ts';
import {
  MessageLog,
  openTestStore,
  registerProven,
  STORE_BACKENDS,
  seedAdmin,
  seedMember,
  seedPerson,
  seedStaff,
  type TestStore,
  testConfig,
  testTokens,
} from '../helpers/people.ts';

const tokens = testTokens();
const actor = (s: { person: { id: string; roles: Actor['roles'] } }): Actor => ({
  personId: s.person.id,
  roles: s.person.roles,
});

async function outboxTypes(store: Store, afterId = 0): Promise<string[]> {
  const rows = await store.db
    .selectFrom('outbox')
    .select(['type'])
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.type);
}

async function lastOutboxId(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

describe.each(STORE_BACKENDS)('channels on $name', ({ name }) => {
  let ts: TestStore;
  let store: Store;
  let people: People;
  const messages = new MessageLog();
  let admin: Actor;
  let staff: Actor;
  let n = 0;
  const unique = () => `u${++n}-${Date.now().toString(36)}`;
  const password = 'a-good-password';

  beforeAll(async () => {
    ts = await openTestStore(name);
    store = ts.store;
    people = createPeople(store, testConfig(), { messenger: messages });
    admin = actor(await seedAdmin(store, tokens));
    staff = actor(await seedStaff(store, tokens));
  });
  afterAll(() => ts.cleanup());

  async function newChannel(managerId?: string) {
    return people.createChannel(admin, { name: `Channel ${unique()}`, commissionBps: 500, managerId });
  }

  it('attributes the channel to the first invite or link; later invites and links do not move it', async () => {
    const c1 = await newChannel();
    const c2 = await newChannel();
    const email = `first-${unique()}@example.test`;
    const first = await people.invite(staff, c1.id, { displayName: 'Alice', email });
    const second = await people.invite(staff, c2.id, { displayName: 'Alice again', email });
    expect(second.outcome).toBe('other_channel');
    expect(second.person).toBeUndefined();
    const again = await people.invite(staff, c1.id, { displayName: 'Alice', email });
    expect(again.outcome).toBe('already_in_channel');
    const registered = await registerProven(people, messages, {
      displayName: 'Alice',
      email,
      password,
      channelCode: c2.inviteCode,
    });
    expect(registered.id).toBe(first.person!.id);
    expect(registered.channelId).toBe(c1.id);

    // A stranger arriving on a channel link belongs to that channel.
    const viaLink = await registerProven(people, messages, {
      displayName: 'Link',
      email: `link-${unique()}@example.test`,
      password,
      channelCode: c2.inviteCode.toLowerCase(),
    });
    expect(viaLink.channelId).toBe(c2.id);

    // A member without a channel is sent the invitation; the channel is theirs only once they accept.
    const eve = await seedMember(store, tokens, { phone: '+8613700001234' });
    const before = await lastOutboxId(store);
    const invited = await people.invite(staff, c2.id, { displayName: 'Eve', phone: '+86 137 0000 1234' });
    expect(invited).toEqual({ invitationId: expect.any(String), outcome: 'invited' });
    expect(messages.sent.at(-1)).toMatchObject({
      kind: 'channel_invitation',
      to: { value: '+8613700001234' },
    });
    expect((await people.me(eve.person.id)).channelId).toBeNull();
    const open = await people.myInvitations(eve.person.id);
    expect(open.map((i) => i.id)).toEqual([invited.invitationId]);
    const answer = await people.answerInvitation(eve.person.id, invited.invitationId, true);
    expect(answer).toEqual({ outcome: 'accepted', channelId: c2.id });
    expect(await outboxTypes(store, before)).toEqual([
      'person.invited',
      'person.channel_changed',
      'person.invitation_answered',
    ]);

    // An archived channel's link attributes nobody.
    await people.updateChannel(admin, c1.id, { archived: true });
    const late = await registerProven(people, messages, {
      displayName: 'Late',
      email: `late-${unique()}@example.test`,
      password,
      channelCode: c1.inviteCode,
    });
    expect(late.channelId).toBeNull();
    await expect(
      people.invite(staff, c1.id, { displayName: 'X', email: `x-${unique()}@example.test` }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('lets exactly one of two concurrent invitations claim a person without a channel', async () => {
    const c1 = await newChannel();
    const c2 = await newChannel();
    const member = await seedPerson(store, tokens, { kind: 'prospect' });
    const results = await Promise.all([
      people.invite(staff, c1.id, { displayName: 'M', email: member.person.email! }),
      people.invite(staff, c2.id, { displayName: 'M', email: member.person.email! }),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['joined', 'other_channel']);
    const winner = results.find((r) => r.outcome === 'joined')!;
    expect((await people.getPerson(staff, member.person.id)).channelId).toBe(winner.person!.channelId);
  });

  it('lets an account accept invitations from two channels at once, the first accepted one winning', async () => {
    const c1 = await newChannel();
    const c2 = await newChannel();
    const member = await seedMember(store, tokens);
    const a = await people.invite(staff, c1.id, { displayName: 'M', email: member.person.email! });
    const b = await people.invite(staff, c2.id, { displayName: 'M', email: member.person.email! });
    const answers = await Promise.all([
      people.answerInvitation(member.person.id, a.invitationId, true),
      people.answerInvitation(member.person.id, b.invitationId, true),
    ]);
    const channel = (await people.me(member.person.id)).channelId;
    expect([c1.id, c2.id]).toContain(channel);
    expect(answers.map((x) => x.channelId)).toEqual([channel, channel]);
    await expect(people.answerInvitation(member.person.id, a.invitationId, false)).rejects.toMatchObject({
      code: 'INVITATION_NOT_FOUND',
    });
  });

  it('lets only an admin change a channel afterwards, and audits who, when, from, to and why', async () => {
    const c1 = await newChannel();
    const c2 = await newChannel();
    const { person } = await people.invite(staff, c1.id, {
      displayName: 'Moved',
      email: `m-${unique()}@example.test`,
    });
    await expect(people.changeChannel(staff, person!.id, c2.id, 'staff try')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await people.channelChanges(admin, person!.id)).toEqual([]);
    const before = await lastOutboxId(store);
    const moved = await people.changeChannel(admin, person!.id, c2.id, 'partner handover, ticket 42');
    expect(moved.channelId).toBe(c2.id);
    const audit = await people.channelChanges(staff, person!.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      personId: person!.id,
      fromChannelId: c1.id,
      toChannelId: c2.id,
      changedBy: admin.personId,
      reason: 'partner handover, ticket 42',
    });
    const [event] = await store.db.selectFrom('outbox').selectAll().where('id', '>', before).execute();
    expect(event?.type).toBe('person.channel_changed');
    expect(JSON.parse(event!.payload)).toEqual({
      personId: person!.id,
      from: c1.id,
      to: c2.id,
      via: 'admin',
      by: admin.personId,
    });
    await expect(people.changeChannel(admin, person!.id, 'no-such-channel', 'typo')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await people.channelChanges(admin, person!.id)).toHaveLength(1);
  });

  it('shows a channel manager only the people of their own channels', async () => {
    const managerSeed = await seedMember(store, tokens, { roles: ['channel_manager'] });
    const manager = actor(managerSeed);
    const own = await newChannel(manager.personId);
    const foreign = await newChannel();
    const mine = await people.invite(manager, own.id, {
      displayName: 'Mine',
      email: `mine-${unique()}@example.test`,
    });
    const theirs = await people.invite(staff, foreign.id, {
      displayName: 'Theirs',
      email: `theirs-${unique()}@example.test`,
    });
    await expect(
      people.invite(manager, foreign.id, { displayName: 'X', email: `x-${unique()}@example.test` }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await people.getPerson(manager, mine.person!.id)).id).toBe(mine.person!.id);
    await expect(people.getPerson(manager, theirs.person!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The manager's own invitation is held back from their list until the person acts.
    expect((await people.searchPeople(manager, { limit: 100, offset: 0 })).total).toBe(0);
    await people.vouchForContact(staff, mine.person!.id, 'email');
    const page = await people.searchPeople(manager, { limit: 100, offset: 0 });
    expect(page.items.map((p) => p.id)).toEqual([mine.person!.id]);
    expect(page.total).toBe(1);
    const filtered = await people.searchPeople(manager, { channelId: foreign.id, limit: 100, offset: 0 });
    expect(filtered.total).toBe(0);
    expect((await people.listChannels(manager, { includeArchived: true })).map((c) => c.id)).toEqual([
      own.id,
    ]);
    await expect(people.getChannel(manager, foreign.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Inviting someone who belongs elsewhere reveals nothing about them, now or in the list.
    const probe = await people.invite(manager, own.id, {
      displayName: 'Probe',
      email: theirs.person!.email!,
    });
    expect(probe).toEqual({ invitationId: expect.any(String), outcome: 'other_channel' });
    // The manager's list shows every invitation as sent, with no person, until one is accepted.
    const invitations = await people.listInvitations(manager, own.id, { limit: 10, offset: 0 });
    const listed = invitations.items.find((i) => i.id === probe.invitationId);
    expect(listed).toMatchObject({ outcome: 'sent', personId: null });
  });

  it('creates channels only for existing channel managers, and emits channel events', async () => {
    const member = await seedMember(store, tokens);
    await expect(
      people.createChannel(admin, {
        name: 'No manager role',
        commissionBps: 100,
        managerId: member.person.id,
      }),
    ).rejects.toMatchObject({ code: 'CHANNEL_MANAGER_INVALID' });
    await expect(
      people.createChannel(actor(member), { name: 'Nope', commissionBps: 100 }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const before = await lastOutboxId(store);
    const channel = await people.createChannel(staff, { name: 'Clinic Kowloon', commissionBps: 750 });
    const rotated = await people.updateChannel(staff, channel.id, {
      rotateInviteCode: true,
      commissionBps: 800,
    });
    expect(rotated.inviteCode).not.toBe(channel.inviteCode);
    expect(rotated.commissionBps).toBe(800);
    const unchanged = await people.updateChannel(staff, channel.id, { commissionBps: 800 });
    expect(unchanged.updatedAtMs).toBe(rotated.updatedAtMs);
    expect(await outboxTypes(store, before)).toEqual(['channel.created', 'channel.updated']);
  });
});
