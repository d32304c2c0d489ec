// An event's turnout (invited / came / did not come per channel and per inviter) read by a channel
// manager: only their own channels' rows and inviters, even on an event another channel shares; an event
// of another channel alone is FORBIDDEN; staff see every channel; a member and a bad id get nothing.
// The follow-up list narrows to an event's no-shows (or those who came) within the same scope.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineEvents } from '../../commerce/internals.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { actorOf, seedChannel } from '../helpers/ledger.ts';
import { type Seeded, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const DAY_MS = 86_400_000;

interface Counts {
  invited: number;
  attended: number;
  noShow: number;
}
type Turnout = Array<
  Counts & { channelId: string; inviters: Array<Counts & { personId: string; displayName: string | null }> }
>;

describe.each(['sqlite', 'postgres'] as const)('event turnout per channel and inviter (%s)', (dialect) => {
  let t: ApiPlatform;
  let staff: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let member: Seeded;
  let c1: string;
  let c2: string;
  let shared: string;
  let c1Only: string;
  let eventsService: OfflineEvents;
  const events = () => eventsService;

  beforeAll(async () => {
    t = await startApiPlatform(dialect);
    staff = await seedStaff(t.store, tokens, { displayName: 'Desk' });
    m1 = await seedPerson(t.store, tokens, { roles: ['channel_manager'], displayName: 'Manager One' });
    m2 = await seedPerson(t.store, tokens, { roles: ['channel_manager'], displayName: 'Manager Two' });
    member = await seedPerson(t.store, tokens);
    c1 = await seedChannel(t.store, { commissionBps: 1000, managerId: m1.person.id, name: 'First' });
    c2 = await seedChannel(t.store, { commissionBps: 1000, managerId: m2.person.id, name: 'Second' });
    // Last Friday's event, long enough ago that whoever did not check in is a no-show.
    const events = new OfflineEvents(t.store, t.api.people);
    eventsService = events;
    const startsAtMs = Date.now() - 3 * DAY_MS;
    shared = (
      await events.create(actorOf(staff), {
        title: 'Friday',
        venue: 'Hall',
        startsAtMs,
        channelIds: [c1, c2],
      })
    ).id;
    c1Only = (
      await events.create(actorOf(staff), { title: 'C1 only', venue: 'Hall', startsAtMs, channelIds: [c1] })
    ).id;
    const invite = async (by: Seeded, channelId: string, n: number) => {
      await events.invite(actorOf(by), shared, channelId, {
        displayName: `Guest ${n}`,
        email: `guest${n}@example.test`,
      });
      return n;
    };
    // C1: three by its manager (two came), one by staff (did not come); C2: two by its manager (one came).
    const a = await invite(m1, c1, 1);
    const b = await invite(m1, c1, 2);
    await invite(m1, c1, 3);
    await invite(staff, c1, 4);
    const d = await invite(m2, c2, 5);
    await invite(m2, c2, 6);
    // A manager is only told "sent"; staff read the member codes the invitees received by message.
    const codes = new Map(
      (await events.invitees(actorOf(staff), shared)).map((r) => [r.displayName, r.memberCode]),
    );
    for (const g of [a, b, d]) {
      const name = `Guest ${g}`;
      await events.checkIn(actorOf(staff), shared, codes.get(name)!);
    }
  }, 60_000);
  afterAll(() => t?.close());

  it("lists an event's no-shows or those who came, within the manager's own channels", async () => {
    // The records the follow-up consumer would have opened for each invitee.
    const now = Date.now();
    for (const r of await events().invitees(actorOf(staff), shared))
      await t.store.db
        .insertInto('follow_ups')
        .values({
          id: randomUUID(),
          person_id: r.personId,
          channel_id: r.channelId,
          owner_id: null,
          stage: 'new',
          lost_reason: null,
          next_due_at_ms: null,
          created_at_ms: now,
          updated_at_ms: now,
        })
        .execute();
    const names = async (token: string, query: string) => {
      const r = await call<{ rows: Array<{ displayName: string }> }>(
        t.url,
        'GET',
        `/api/follow-ups?${query}&sort=name&order=asc`,
        { token },
      );
      expect(r.status).toBe(200);
      return r.body.rows.map((x) => x.displayName);
    };
    expect(await names(m1.token, `eventId=${shared}&turnout=no_show`)).toEqual(['Guest 3', 'Guest 4']);
    expect(await names(m1.token, `eventId=${shared}&turnout=came`)).toEqual(['Guest 1', 'Guest 2']);
    expect(await names(m1.token, `eventId=${shared}&channelId=${c1}&turnout=no_show`)).toEqual([
      'Guest 3',
      'Guest 4',
    ]);
    expect(await names(m2.token, `eventId=${shared}&turnout=no_show`)).toEqual(['Guest 6']);
    expect(await names(staff.token, `eventId=${shared}&turnout=no_show`)).toEqual([
      'Guest 3',
      'Guest 4',
      'Guest 6',
    ]);
    const other = await call(
      t.url,
      'GET',
      `/api/follow-ups?eventId=${shared}&channelId=${c1}&turnout=no_show`,
      {
        token: m2.token,
      },
    );
    expect([other.status, other.body]).toMatchObject([403, { code: 'FORBIDDEN' }]);
    const noEvent = await call(t.url, 'GET', '/api/follow-ups?turnout=no_show', { token: m1.token });
    expect([noEvent.status, noEvent.body]).toMatchObject([400, { code: 'VALIDATION_FAILED' }]);
    const bad = await call(t.url, 'GET', `/api/follow-ups?eventId=${shared}&turnout=maybe`, {
      token: m1.token,
    });
    expect(bad.status).toBe(400);
  });

  const turnout = (token: string, eventId: string) =>
    call<Turnout>(t.url, 'GET', `/api/follow-ups/events/${eventId}/attendance`, { token });

  it('a manager sees their own channel and its inviters only, on an event shared with another channel', async () => {
    // A manager's own invitees who never came (guests 3 and 6) never acted: their invitations are held
    // back, so the managers do not see them (staff do, below).
    const r = await turnout(m2.token, shared);
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      {
        channelId: c2,
        channelName: 'Second',
        invited: 1,
        attended: 1,
        noShow: 0,
        inviters: [
          { personId: m2.person.id, displayName: 'Manager Two', invited: 1, attended: 1, noShow: 0 },
        ],
      },
    ]);
    const own = await turnout(m1.token, shared);
    expect(own.body.map((c) => c.channelId)).toEqual([c1]);
    expect(own.body[0]).toMatchObject({ invited: 3, attended: 2, noShow: 1 });
    expect(own.body[0]!.inviters).toEqual([
      { personId: m1.person.id, displayName: 'Manager One', invited: 2, attended: 2, noShow: 0 },
      { personId: staff.person.id, displayName: 'Desk', invited: 1, attended: 0, noShow: 1 },
    ]);
  });

  it('staff see every channel', async () => {
    const r = await turnout(staff.token, shared);
    expect(r.body.map((c) => [c.channelId, c.invited, c.attended, c.noShow]).sort()).toEqual(
      [
        [c1, 4, 2, 2],
        [c2, 2, 1, 1],
      ].sort(),
    );
  });

  it("another channel's event, a member, no token and a malformed id are refused", async () => {
    const other = await turnout(m2.token, c1Only);
    expect([other.status, other.body]).toMatchObject([403, { code: 'FORBIDDEN' }]);
    const asMember = await turnout(member.token, shared);
    expect([asMember.status, asMember.body]).toMatchObject([403, { code: 'FORBIDDEN' }]);
    const anonymous = await call(t.url, 'GET', `/api/follow-ups/events/${shared}/attendance`);
    expect(anonymous.status).toBe(401);
    const oversized = await turnout(staff.token, 'x'.repeat(500));
    expect([oversized.status, oversized.body]).toMatchObject([414, { code: 'HTTP_PATH_PARAM_TOO_LONG' }]);
    const unknown = await turnout(staff.token, 'no-such-event');
    expect([unknown.status, unknown.body]).toMatchObject([404, { code: 'NOT_FOUND' }]);
  });
});
