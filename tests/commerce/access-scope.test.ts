// Who may see whom and act on which channel, on a real store: staff and admins everyone; a channel
// manager only the people of the channels they manage (NOT_FOUND otherwise, so ids cannot be probed);
// a member only themselves (FORBIDDEN). Roles are checked exactly: holding some role is not holding any.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../commerce/internals.ts';
import {
  assertCanActOnChannel,
  assertCanSeePerson,
  isAdmin,
  isChannelManager,
  isStaff,
  managedChannelIds,
  requireRole,
} from '../../commerce/people/access-scope.ts';
import { isVitaliveError } from '../../protocols/index.ts';
import { seedChannel } from '../helpers/ledger.ts';
import { openTestStore, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';

const outcome = async (p: Promise<void> | (() => void)): Promise<string> => {
  try {
    if (typeof p === 'function') p();
    else await p;
    return 'allowed';
  } catch (e) {
    if (!isVitaliveError(e)) throw e;
    return e.code;
  }
};

describe('access scope', () => {
  let t: TestStore;
  let manager: Actor;
  let otherManager: Actor;
  let ownChannel: string;
  let archivedChannel: string;
  let foreignChannel: string;
  const staff: Actor = { personId: 'staff-1', roles: ['staff', 'member'] };
  const admin: Actor = { personId: 'admin-1', roles: ['admin'] };
  const member: Actor = { personId: 'member-1', roles: ['member'] };
  const host: Actor = { personId: 'host-1', roles: ['host', 'member'] };

  beforeAll(async () => {
    t = await openTestStore('sqlite');
    const tokens = testTokens();
    const m = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const o = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    manager = { personId: m.person.id, roles: ['member', 'channel_manager'] };
    otherManager = { personId: o.person.id, roles: ['channel_manager'] };
    ownChannel = await seedChannel(t.store, { commissionBps: 500, managerId: manager.personId });
    archivedChannel = await seedChannel(t.store, { commissionBps: 500, managerId: manager.personId });
    await t.store.db
      .updateTable('channels')
      .set({ archived_at_ms: Date.now() })
      .where('id', '=', archivedChannel)
      .execute();
    foreignChannel = await seedChannel(t.store, { commissionBps: 500, managerId: otherManager.personId });
  });
  afterAll(() => t?.cleanup());

  it('names roles exactly', () => {
    expect([staff, admin, member, host, manager].map(isStaff)).toEqual([true, true, false, false, false]);
    expect([staff, admin, member, host, manager].map(isAdmin)).toEqual([false, true, false, false, false]);
    expect([staff, admin, member, host, manager].map(isChannelManager)).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('requireRole passes on any one of the roles and refuses the rest with FORBIDDEN naming them', async () => {
    expect(await outcome(() => requireRole(staff, 'admin', 'staff'))).toBe('allowed');
    expect(await outcome(() => requireRole(admin, 'admin'))).toBe('allowed');
    expect(await outcome(() => requireRole(member, 'admin', 'staff'))).toBe('FORBIDDEN');
    expect(await outcome(() => requireRole(host, 'admin'))).toBe('FORBIDDEN');
    try {
      requireRole(member, 'admin', 'staff');
    } catch (e) {
      expect(isVitaliveError(e) && e.params.reason).toBe('requires role admin or staff');
    }
  });

  it('lists the channels a manager manages, archived ones included, and none for anyone else', async () => {
    expect((await managedChannelIds(t.store.db, manager)).sort()).toEqual(
      [ownChannel, archivedChannel].sort(),
    );
    expect(await managedChannelIds(t.store.db, otherManager)).toEqual([foreignChannel]);
    // Managing a channel without holding the role (demoted) gives nothing.
    expect(await managedChannelIds(t.store.db, { personId: manager.personId, roles: ['member'] })).toEqual(
      [],
    );
    expect(await managedChannelIds(t.store.db, staff)).toEqual([]);
  });

  it('who may see a person', async () => {
    const see = (actor: Actor, id: string, channelId: string | null) =>
      outcome(assertCanSeePerson(t.store.db, actor, { id, channelId }));
    // Oneself, always.
    expect(await see(member, member.personId, null)).toBe('allowed');
    expect(await see(manager, manager.personId, null)).toBe('allowed');
    // Staff and admins, anyone.
    expect(await see(staff, 'someone', foreignChannel)).toBe('allowed');
    expect(await see(admin, 'someone', null)).toBe('allowed');
    // A manager: people of their channels (archived ones too), nobody else, and nobody without a channel.
    expect(await see(manager, 'p-own', ownChannel)).toBe('allowed');
    expect(await see(manager, 'p-archived', archivedChannel)).toBe('allowed');
    expect(await see(manager, 'p-foreign', foreignChannel)).toBe('NOT_FOUND');
    expect(await see(manager, 'p-none', null)).toBe('NOT_FOUND');
    // A member or host: nobody else.
    expect(await see(member, 'someone', ownChannel)).toBe('FORBIDDEN');
    expect(await see(host, 'someone', null)).toBe('FORBIDDEN');
    // Demoted: the channel's manager_id still names them, but the role is gone.
    expect(await see({ personId: manager.personId, roles: ['member'] }, 'p-own', ownChannel)).toBe(
      'FORBIDDEN',
    );
  });

  it('refusals say what was not found or why it is forbidden', async () => {
    const params = async (p: Promise<void>) => {
      try {
        await p;
      } catch (e) {
        if (isVitaliveError(e)) return { code: e.code, params: e.params };
        throw e;
      }
      return undefined;
    };
    expect(
      await params(assertCanSeePerson(t.store.db, manager, { id: 'x', channelId: foreignChannel })),
    ).toEqual({
      code: 'NOT_FOUND',
      params: { what: 'person' },
    });
    expect(await params(assertCanSeePerson(t.store.db, member, { id: 'x', channelId: null }))).toEqual({
      code: 'FORBIDDEN',
      params: { reason: 'members see only their own record' },
    });
    expect(await params(assertCanActOnChannel(t.store.db, manager, foreignChannel))).toEqual({
      code: 'NOT_FOUND',
      params: { what: 'channel' },
    });
    expect(await params(assertCanActOnChannel(t.store.db, member, ownChannel))).toEqual({
      code: 'FORBIDDEN',
      params: { reason: 'requires role admin, staff or channel_manager' },
    });
  });

  it('who may act on a channel', async () => {
    const act = (actor: Actor, channelId: string) =>
      outcome(assertCanActOnChannel(t.store.db, actor, channelId));
    expect(await act(staff, foreignChannel)).toBe('allowed');
    expect(await act(admin, 'no-such-channel')).toBe('allowed');
    expect(await act(manager, ownChannel)).toBe('allowed');
    expect(await act(manager, archivedChannel)).toBe('allowed');
    expect(await act(manager, foreignChannel)).toBe('NOT_FOUND');
    expect(await act(manager, 'no-such-channel')).toBe('NOT_FOUND');
    expect(await act(member, ownChannel)).toBe('FORBIDDEN');
    expect(await act(host, ownChannel)).toBe('FORBIDDEN');
  });
});
