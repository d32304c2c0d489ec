// The people contract on both backends: codes, normalised unique contacts, prospects becoming members,
// referral attribution (first wins, never self, immutable), roles, members confined to themselves,
// consents, member-code look-up, search, and one outbox event per change in the same transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  type CodeSource,
  healthDataConsent,
  isCode,
  MEMBER_CODE_LENGTH,
  type People,
  personIdByMemberCode,
  REFERRAL_CODE_LENGTH,
  type RegistrationInput,
  randomCode,
  type Store,
} from '../../commerce/internals.ts';
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

describe.each(STORE_BACKENDS)('people on $name', ({ name }) => {
  let ts: TestStore;
  let store: Store;
  let people: People;
  const messages = new MessageLog();
  const register = (input: RegistrationInput, prove?: 'email' | 'phone') =>
    registerProven(people, messages, input, { prove });
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

  it('gives invited prospects unique member and referral codes from the unambiguous alphabet', async () => {
    const channel = await newChannel();
    const codes = new Set<string>();
    const referrals = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const { person } = await people.invite(staff, channel.id, {
        displayName: `P${i}`,
        email: `bulk-${unique()}@example.test`,
      });
      expect(isCode(person!.memberCode, MEMBER_CODE_LENGTH)).toBe(true);
      expect(isCode(person!.referralCode, REFERRAL_CODE_LENGTH)).toBe(true);
      codes.add(person!.memberCode);
      referrals.add(person!.referralCode);
    }
    expect(codes.size).toBe(120);
    expect(referrals.size).toBe(120);
  });

  it('draws a colliding code again: the unique constraint decides and the transaction retries', async () => {
    const channel = await newChannel();
    const taken = await seedMember(store, tokens);
    const fresh = { member: randomCode(6), referral: randomCode(8) };
    // Each attempt draws a member code, then a referral code.
    const script = [
      ...[taken.person.memberCode, randomCode(8)], // member code collides
      ...[randomCode(6), taken.person.referralCode], // referral code collides
      ...[fresh.member, fresh.referral],
    ];
    const scripted: CodeSource = () => script.shift() ?? 'exhausted';
    const scriptedPeople = createPeople(store, testConfig(), { codes: scripted });
    const { person } = await scriptedPeople.invite(staff, channel.id, {
      displayName: 'Retry',
      email: `retry-${unique()}@example.test`,
    });
    expect(person!.memberCode).toBe(fresh.member);
    expect(person!.referralCode).toBe(fresh.referral);
    expect(script).toHaveLength(0);
  });

  it('gives up with SERVICE_UNAVAILABLE after a bounded number of collisions, writing nothing', async () => {
    const channel = await newChannel();
    const taken = await seedMember(store, tokens);
    const stuck = createPeople(store, testConfig(), {
      codes: (len) => (len === 6 ? taken.person.memberCode : randomCode(len)),
    });
    const before = await lastOutboxId(store);
    const email = `stuck-${unique()}@example.test`;
    await expect(stuck.invite(staff, channel.id, { displayName: 'Stuck', email })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(await store.db.selectFrom('people').select('id').where('email', '=', email).execute()).toEqual([]);
    expect(await lastOutboxId(store)).toBe(before);
  });

  it('stores e-mail and phone normalised, and refuses the same contact however it is spelled', async () => {
    const tag = unique();
    const ann = await register({
      displayName: 'Ann',
      email: `  Ann.${tag}@Example.COM `,
      phone: '+86 139-0000-1111',
      password,
    });
    expect(ann.email).toBe(`ann.${tag}@example.com`);
    expect(ann.phone).toBe('+8613900001111');
    const before = await lastOutboxId(store);
    // A taken contact is not refused (that would tell anyone it has an account): its owner is told.
    await people.register({ displayName: 'Copy', email: `ANN.${tag}@example.com`, password }, '192.0.2.1');
    expect(messages.sent.at(-1)).toMatchObject({ kind: 'contact_taken', to: { value: ann.email } });
    await people.register({ displayName: 'Copy', phone: '0086 139 0000 1111', password }, '192.0.2.1');
    expect(messages.sent.at(-1)).toMatchObject({ kind: 'contact_taken', to: { value: ann.phone } });
    const other = await seedMember(store, tokens);
    await expect(
      people.updatePerson(staff, other.person.id, { email: `Ann.${tag}@example.com` }),
    ).rejects.toMatchObject({ code: 'PERSON_CONTACT_TAKEN', params: { field: 'email' } });
    await expect(people.register({ displayName: 'Nobody', password }, '192.0.2.1')).rejects.toMatchObject({
      code: 'CONTACT_INVALID',
    });
    await expect(
      people.register({ displayName: 'Bad', email: 'not-an-address', password }, '192.0.2.1'),
    ).rejects.toMatchObject({ code: 'CONTACT_INVALID', params: { field: 'email' } });
    expect(await lastOutboxId(store)).toBe(before);
  });

  it('turns a prospect who registers into a member with the same record and member code', async () => {
    const channel = await newChannel();
    const phone = '+44 7700 900123';
    const invited = await people.invite(staff, channel.id, { displayName: 'Alice (invited)', phone });
    expect(invited.outcome).toBe('created');
    expect(invited.person).toMatchObject({ kind: 'prospect', roles: [], channelId: channel.id });
    const before = await lastOutboxId(store);
    // Proving the phone (the contact the prospect was invited by) joins their record.
    const alice = await register(
      {
        displayName: 'Alice',
        phone: '00447700900123',
        email: `alice-${unique()}@example.test`,
        password,
      },
      'phone',
    );
    expect(alice.id).toBe(invited.person!.id);
    expect(alice.memberCode).toBe(invited.person!.memberCode);
    expect(alice).toMatchObject({
      kind: 'member',
      displayName: 'Alice',
      roles: ['member'],
      channelId: channel.id,
    });
    expect(alice.registeredAtMs).not.toBeNull();
    expect(await outboxTypes(store, before)).toEqual(['person.registered']);
    const event = await store.db
      .selectFrom('outbox')
      .selectAll()
      .where('id', '>', before)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.payload)).toMatchObject({
      personId: alice.id,
      wasProspect: true,
      channelId: channel.id,
    });
    await people.register({ displayName: 'Again', phone, password }, '192.0.2.2');
    expect(messages.sent.at(-1)).toMatchObject({ kind: 'contact_taken', to: { value: '+447700900123' } });
  });

  it('sets referred_by from the referral code: first wins, never self, unknown codes ignored', async () => {
    const bob = await register({
      displayName: 'Bob',
      email: `bob-${unique()}@example.test`,
      password,
    });
    const alice = await register({
      displayName: 'Alice',
      email: `alice-${unique()}@example.test`,
      password,
      referralCode: bob.referralCode.toLowerCase(),
    });
    expect(alice.referredBy).toBe(bob.id);

    const stale = await register({
      displayName: 'Stale link',
      email: `stale-${unique()}@example.test`,
      password,
      referralCode: 'ZZZZZZZZ',
    });
    expect(stale.referredBy).toBeNull();

    // A prospect using their own share link does not refer themselves.
    const channel = await newChannel();
    const carolEmail = `carol-${unique()}@example.test`;
    const carolProspect = (
      await people.invite(staff, channel.id, { displayName: 'Carol', email: carolEmail })
    ).person!;
    const carol = await register({
      displayName: 'Carol',
      email: carolEmail,
      password,
      referralCode: carolProspect.referralCode,
    });
    expect(carol.id).toBe(carolProspect.id);
    expect(carol.referredBy).toBeNull();

    // A referrer already on the record stays: first wins.
    const daveEmail = `dave-${unique()}@example.test`;
    await seedPerson(store, tokens, { kind: 'prospect', email: daveEmail, referredBy: bob.id });
    const dave = await register({
      displayName: 'Dave',
      email: daveEmail,
      password,
      referralCode: alice.referralCode,
    });
    expect(dave.referredBy).toBe(bob.id);
  });

  it('keeps referred_by immutable through every update path', async () => {
    const bob = await seedMember(store, tokens);
    const alice = await register({
      displayName: 'Alice',
      email: `alice-${unique()}@example.test`,
      password,
      referralCode: bob.person.referralCode,
    });
    await people.updateMe(alice.id, { displayName: 'Alice W', consents: { marketing: true } });
    const patch = { displayName: 'Alice Wong', tier: 'gold', referredBy: null } as Record<string, unknown>;
    await people.updatePerson(staff, alice.id, patch);
    await people.changeChannel(admin, alice.id, (await newChannel()).id, 'moved by the partner agreement');
    const after = await people.getPerson(staff, alice.id);
    expect(after).toMatchObject({ displayName: 'Alice Wong', tier: 'gold', referredBy: bob.person.id });
  });

  it('lets admins grant and revoke roles, keeps member and the last admin, and refuses non-admins', async () => {
    const ts2 = await openTestStore(name);
    try {
      const p2 = createPeople(ts2.store, testConfig());
      const onlyAdmin = actor(await seedAdmin(ts2.store, tokens));
      const member = await seedMember(ts2.store, tokens);
      const staffer = actor(await seedStaff(ts2.store, tokens));
      await expect(p2.grantRole(staffer, member.person.id, 'host')).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const granted = await p2.grantRole(onlyAdmin, member.person.id, 'host');
      expect(granted.roles).toEqual(['host', 'member']);
      expect(await outboxTypes(ts2.store)).toEqual(['person.roles_changed']);
      await p2.grantRole(onlyAdmin, member.person.id, 'host'); // already held: no change, no event
      expect(await outboxTypes(ts2.store)).toEqual(['person.roles_changed']);
      await expect(p2.revokeRole(onlyAdmin, member.person.id, 'member')).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(p2.revokeRole(onlyAdmin, onlyAdmin.personId, 'admin')).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await p2.grantRole(onlyAdmin, member.person.id, 'admin');
      expect((await p2.revokeRole(onlyAdmin, onlyAdmin.personId, 'admin')).roles).toEqual(['member']);
      const prospect = await seedPerson(ts2.store, tokens, { kind: 'prospect' });
      const newAdmin = { personId: member.person.id, roles: ['admin' as const] };
      await expect(p2.grantRole(newAdmin, prospect.person.id, 'staff')).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(p2.grantRole(newAdmin, 'missing', 'staff')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await ts2.cleanup();
    }
  });

  it('lets only an admin edit a staff or admin account', async () => {
    const other = await seedStaff(store, tokens);
    await expect(
      people.updatePerson(staff, other.person.id, { email: 'mine@example.test' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      people.updatePerson(staff, admin.personId, { displayName: 'Renamed' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const edited = await people.updatePerson(admin, other.person.id, {
      displayName: 'Renamed',
      tier: 'silver',
    });
    expect(edited).toMatchObject({ displayName: 'Renamed', tier: 'silver' });
  });

  it('refuses members access to anyone but themselves', async () => {
    const a = await seedMember(store, tokens);
    const b = await seedMember(store, tokens);
    expect((await people.getPerson(actor(a), a.person.id)).id).toBe(a.person.id);
    await expect(people.getPerson(actor(a), b.person.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(people.searchPeople(actor(a), { limit: 10, offset: 0 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(people.updatePerson(actor(a), a.person.id, { tier: 'gold' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('records when each consent last flipped, and answers the health-data consent port', async () => {
    let now = 1_800_000_000_000;
    const clocked = createPeople(store, testConfig(), { now: () => now });
    const m = await seedMember(store, tokens);
    expect(await healthDataConsent(store, m.person.id)).toEqual({ granted: false, changedAtMs: null });
    const t1 = now;
    await clocked.updateMe(m.person.id, { consents: { healthData: true } });
    now += 1000;
    const same = await clocked.updateMe(m.person.id, { consents: { healthData: true, marketing: false } });
    expect(same.consents).toEqual({
      marketing: false,
      marketingAtMs: null,
      healthData: true,
      healthDataAtMs: t1,
    });
    expect(await healthDataConsent(store, m.person.id)).toEqual({ granted: true, changedAtMs: t1 });
    now += 1000;
    await clocked.updateMe(m.person.id, { consents: { healthData: false } });
    expect(await healthDataConsent(store, m.person.id)).toEqual({ granted: false, changedAtMs: now });
    expect(await healthDataConsent(store, 'nobody')).toBeUndefined();
  });

  it('finds a person id by member code as typed or scanned', async () => {
    const m = await seedMember(store, tokens);
    const code = m.person.memberCode;
    expect(await personIdByMemberCode(store, code)).toBe(m.person.id);
    expect(await personIdByMemberCode(store, `${code.slice(0, 3).toLowerCase()}-${code.slice(3)}`)).toBe(
      m.person.id,
    );
    expect(await personIdByMemberCode(store, 'ZZZZZZ')).toBeUndefined();
    expect(await personIdByMemberCode(store, 'O0O0O0')).toBeUndefined();
  });

  it('searches by part of a name, e-mail or phone and by whole member code, one page at a time', async () => {
    const tag = unique().replace(/[^a-z0-9]/g, '');
    const hit = await seedMember(store, tokens, {
      displayName: `Wong ${tag} Mei`,
      email: `mei.${tag}@example.test`,
      phone: '+85291234567',
    });
    for (let i = 0; i < 5; i++) await seedMember(store, tokens, { displayName: `Paged ${tag} ${i}` });
    const byName = await people.searchPeople(staff, { q: `WONG ${tag.toUpperCase()}`, limit: 10, offset: 0 });
    expect(byName.items.map((p) => p.id)).toEqual([hit.person.id]);
    const byEmail = await people.searchPeople(staff, { q: `mei.${tag}@`, limit: 10, offset: 0 });
    expect(byEmail.items.map((p) => p.id)).toEqual([hit.person.id]);
    const byPhone = await people.searchPeople(staff, { q: '9123 4567', limit: 10, offset: 0 });
    expect(byPhone.items.map((p) => p.id)).toContain(hit.person.id);
    const byCode = await people.searchPeople(staff, {
      q: hit.person.memberCode.toLowerCase(),
      limit: 10,
      offset: 0,
    });
    expect(byCode.items.map((p) => p.id)).toContain(hit.person.id);
    const first = await people.searchPeople(staff, { q: `paged ${tag}`, limit: 2, offset: 0 });
    const rest = await people.searchPeople(staff, { q: `paged ${tag}`, limit: 10, offset: 2 });
    expect(first.total).toBe(5);
    expect(first.items).toHaveLength(2);
    expect(rest.items).toHaveLength(3);
    expect(new Set([...first.items, ...rest.items].map((p) => p.id)).size).toBe(5);
    // LIKE wildcards in the text are literal characters
    expect((await people.searchPeople(staff, { q: '%', limit: 10, offset: 0 })).total).toBe(0);
    expect((await people.searchPeople(staff, { q: '_', limit: 10, offset: 0 })).total).toBe(0);
  });
});
