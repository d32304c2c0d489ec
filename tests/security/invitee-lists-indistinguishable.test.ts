// Attack: a channel manager invites a contact (to the channel, and to an event) and then reads every
// list and figure they can see, to learn whether the contact was free. Before, a fresh contact became
// the manager's prospect at once — listed in people search, the event's invitees, follow-ups, the
// turnout, and counted in the channel's figures — while another channel's prospect or an account's
// contact changed nothing: the lists told them apart even though every answer said `sent`. Now a
// manager's invitation is held back until the person acts, so all three change nothing a manager sees;
// staff see the new prospect at once; when the person checks in at the door, the manager sees them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

/** Until the follow-ups and the figures have applied every event committed so far. */
async function settle(node: LiveNode): Promise<void> {
  const db = node.platform.store.db;
  await waitFor(async () => {
    const max = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const positions = await db
      .selectFrom('consumer_positions')
      .select(['consumer', 'position'])
      .where('consumer', 'in', ['conversion-rollups', 'follow-ups'])
      .execute();
    return positions.length === 2 && positions.every((p) => Number(p.position) >= Number(max?.id ?? 0));
  }, 20_000);
}

/** Drops what differs between any two requests: ids and times of the invitations, the default period. */
function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (['id', 'createdAtMs', 'generatedAtMs', 'asOfMs', 'fromMs', 'toMs'].includes(k)) continue;
      out[k] = scrub(v);
    }
    return out;
  }
  return value;
}

describe('what a manager’s lists and figures say after inviting a contact', () => {
  let node: LiveNode;
  let staff: Seeded;
  let manager: Seeded;
  let channelId = '';
  let eventId = '';

  /** Everything the manager can list or count about their channel and its event. */
  const view = async (contacts: string[]) => {
    const get = async (path: string) => {
      const r = await call(node.url, 'GET', path, { token: manager.token });
      expect(r.status, `${path} ${JSON.stringify(r.body)}`).toBe(200);
      return scrub(r.body);
    };
    const out: Record<string, unknown> = {};
    for (const path of [
      '/api/people',
      `/api/people?channelId=${channelId}`,
      '/api/people?kind=prospect',
      `/api/events/${eventId}/invitees`,
      '/api/follow-ups',
      `/api/follow-ups?eventId=${eventId}`,
      `/api/follow-ups/events/${eventId}/attendance`,
      '/api/metrics/channels',
      `/api/metrics/channels/${channelId}`,
      `/api/metrics/events/${eventId}`,
      '/api/metrics/follow-ups',
      '/api/metrics/aarrr',
    ])
      out[path] = await get(path);
    for (const c of contacts) out[`search ${c}`] = await get(`/api/people?q=${encodeURIComponent(c)}`);
    const invitations = await call<{ items: Array<Record<string, unknown>>; total: number }>(
      node.url,
      'GET',
      `/api/channels/${channelId}/invitations`,
      { token: manager.token },
    );
    out.invitations = invitations.body.items.map((i) => [i.personId, i.outcome]);
    return out;
  };

  /** The manager invites the contact to the channel and to the event, as an attacker probing it would. */
  const probe = async (email: string) => {
    const a = await call(node.url, 'POST', `/api/channels/${channelId}/invitations`, {
      token: manager.token,
      body: { displayName: 'Someone', email },
    });
    expect(a.status).toBe(202);
    const b = await call(node.url, 'POST', `/api/events/${eventId}/invitees`, {
      token: manager.token,
      body: { channelId, displayName: 'Someone', email },
    });
    expect(b.status).toBe(202);
    await settle(node);
  };

  beforeAll(async () => {
    node = await startLiveNode({ LOG_LEVEL: 'warn' });
    const store = node.platform.store;
    manager = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    staff = await seedPerson(store, tokens, { roles: ['staff'] });
    await seedPerson(store, tokens, { email: 'lists-account@example.test' });
    const mine = await call(node.url, 'POST', '/api/channels', {
      token: staff.token,
      body: { name: 'Probe channel', managerId: manager.person.id, commissionBps: 500 },
    });
    channelId = mine.body.id as string;
    const other = await call(node.url, 'POST', '/api/channels', {
      token: staff.token,
      body: { name: 'Other channel', commissionBps: 500 },
    });
    const taken = await call(node.url, 'POST', `/api/channels/${other.body.id}/invitations`, {
      token: staff.token,
      body: { displayName: 'Taken', email: 'lists-other@example.test' },
    });
    expect(taken.status).toBe(202);
    const event = await call(node.url, 'POST', '/api/events', {
      token: staff.token,
      body: {
        title: 'Open day',
        venue: 'Clinic hall',
        startsAtMs: Date.now() + 86_400_000,
        channelIds: [channelId],
      },
    });
    expect(event.status).toBe(201);
    eventId = event.body.id as string;
    // The manager's channel already has someone in it, so the lists are not trivially empty.
    const known = await call(node.url, 'POST', `/api/channels/${channelId}/invitations`, {
      token: staff.token,
      body: { displayName: 'Known', email: 'lists-known@example.test' },
    });
    expect(known.status).toBe(202);
    await settle(node);
  }, 90_000);

  afterAll(async () => {
    await node?.close();
  });

  it('a fresh contact, another channel’s prospect and an account change the manager’s lists alike', async () => {
    const contacts = ['lists-new@example.test', 'lists-other@example.test', 'lists-account@example.test'];
    const changes: unknown[] = [];
    for (const email of contacts) {
      const before = await view(contacts);
      await probe(email);
      const after = await view(contacts);
      const changed: Record<string, unknown> = {};
      for (const key of Object.keys(after))
        if (key !== 'invitations' && JSON.stringify(after[key]) !== JSON.stringify(before[key]))
          changed[key] = after[key];
      // The manager's invitation list grows by the two invitations, each `sent` with no person.
      const added = (after.invitations as unknown[]).length - (before.invitations as unknown[]).length;
      changes.push({ changed, added, newest: (after.invitations as unknown[]).slice(0, added) });
    }
    const none = {
      changed: {},
      added: 2,
      newest: [
        [null, 'sent'],
        [null, 'sent'],
      ],
    };
    expect(changes[0]).toEqual(none);
    expect(changes[1]).toEqual(none);
    expect(changes[2]).toEqual(none);
  }, 120_000);

  it('staff see the new prospect at once; the manager sees them once they come to the door', async () => {
    const staffSearch = await call<{ items: Array<{ id: string; memberCode: string }> }>(
      node.url,
      'GET',
      `/api/people?q=${encodeURIComponent('lists-new@example.test')}`,
      { token: staff.token },
    );
    expect(staffSearch.body.items).toHaveLength(1);
    const prospect = staffSearch.body.items[0]!;
    const staffInvitees = await call<Array<{ personId: string }>>(
      node.url,
      'GET',
      `/api/events/${eventId}/invitees`,
      { token: staff.token },
    );
    expect(staffInvitees.body.map((i) => i.personId)).toContain(prospect.id);

    const door = await call(node.url, 'POST', `/api/events/${eventId}/check-ins`, {
      token: staff.token,
      body: { memberCode: prospect.memberCode },
    });
    expect(door.status, JSON.stringify(door.body)).toBeLessThan(300);
    await settle(node);
    const search = await call<{ items: Array<{ id: string }> }>(
      node.url,
      'GET',
      `/api/people?q=${encodeURIComponent('lists-new@example.test')}`,
      { token: manager.token },
    );
    expect(search.body.items.map((p) => p.id)).toEqual([prospect.id]);
    const invitees = await call<Array<{ personId: string; attended: boolean }>>(
      node.url,
      'GET',
      `/api/events/${eventId}/invitees`,
      { token: manager.token },
    );
    expect(invitees.body.find((i) => i.personId === prospect.id)?.attended).toBe(true);
    const followUps = await call<{ rows: Array<{ personId: string }> }>(node.url, 'GET', '/api/follow-ups', {
      token: manager.token,
    });
    expect(followUps.body.rows.map((f) => f.personId)).toContain(prospect.id);
    // The taken contact is still nowhere in the manager's lists.
    const taken = await call<{ items: unknown[] }>(
      node.url,
      'GET',
      `/api/people?q=${encodeURIComponent('lists-other@example.test')}`,
      { token: manager.token },
    );
    expect(taken.body.items).toEqual([]);
  }, 60_000);
});
