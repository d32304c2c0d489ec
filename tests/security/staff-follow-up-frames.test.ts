// Follow-up changes pushed over /staff reach staff, the managers of the record's channel and its owner:
// never another channel's manager, never a manager after they were taken off the channel, and a
// `tested` milestone (health data) reaches staff alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../commerce/index.ts';
import { STAFF_ROOM } from '../../gateway/sockets/staff/audiences.ts';
import { followUpFrames, roomsFor } from '../../gateway/sockets/staff/fanout.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { call } from '../helpers/http-call.ts';
import { seedChannel } from '../helpers/ledger.ts';
import { type LiveNode, record, socketTo, startLiveNode, type TestSocket } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';

type Frames = ReturnType<typeof record>;
const tokens = testTokens();

describe('/staff follow-up frames by audience', () => {
  let node: LiveNode;
  let staff: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let m3: Seeded;
  let c1: string;
  let c2: string;
  const sockets: Array<TestSocket<'/staff'>> = [];
  const seen: Record<'staff' | 'm1' | 'm2' | 'm3', Frames> = { staff: [], m1: [], m2: [], m3: [] };

  const ids = (frames: Frames) => new Set(frames.map((f) => f.frame.followUpId as string));

  async function invite(manager: Seeded, channelId: string, email: string): Promise<string> {
    const r = await call(node.url, 'POST', `/api/channels/${channelId}/invitations`, {
      token: manager.token,
      body: { displayName: email.split('@')[0], email },
    });
    expect(r.status).toBe(202);
    const db = node.platform.store.db;
    // The manager's invitation is held back until the person acts: staff vouch for them at the desk.
    const person = await db
      .selectFrom('people')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const vouched = await call(node.url, 'POST', `/api/people/${person.id}/contacts/email/vouch`, {
      token: staff.token,
    });
    expect(vouched.status).toBe(200);
    let followUpId: string | undefined;
    await waitFor(async () => {
      const row = await db
        .selectFrom('follow_ups as f')
        .innerJoin('people as p', 'p.id', 'f.person_id')
        .select('f.id')
        .where('p.email', '=', email)
        .executeTakeFirst();
      followUpId = row?.id;
      return followUpId !== undefined;
    });
    return followUpId!;
  }

  beforeAll(async () => {
    node = await startLiveNode();
    const store = node.platform.store;
    staff = await seedStaff(store, tokens);
    m1 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    m2 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    // A manager of no channel who is given one record of the first channel.
    m3 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    c1 = await seedChannel(store, { commissionBps: 1000, managerId: m1.person.id, name: 'First' });
    c2 = await seedChannel(store, { commissionBps: 1000, managerId: m2.person.id, name: 'Second' });
    for (const [who, s] of [
      ['staff', staff],
      ['m1', m1],
      ['m2', m2],
      ['m3', m3],
    ] as const) {
      const socket = await socketTo(node.url, '/staff', s.token);
      seen[who] = record(socket, ['staff:follow-up']);
      sockets.push(socket);
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it("a change reaches staff, the channel's manager and the owner, and no other channel's manager", async () => {
    const p1 = await invite(m1, c1, 'first-person@example.test');
    const p2 = await invite(m2, c2, 'second-person@example.test');
    await waitFor(async () => ids(seen.m1).has(p1) && ids(seen.m2).has(p2) && ids(seen.staff).has(p2));

    const assigned = await call(node.url, 'POST', '/api/follow-ups/assign', {
      token: m1.token,
      body: { followUpIds: [p1], ownerId: m3.person.id },
    });
    expect(assigned.status).toBe(200);
    const staged = await call(node.url, 'POST', `/api/follow-ups/${p1}/stage`, {
      token: m1.token,
      body: { stage: 'contacted' },
    });
    expect(staged.status).toBe(200);
    const stageFrame = (frames: Frames) =>
      frames.find((f) => f.frame.followUpId === p1 && f.frame.change === 'stage_changed');
    await waitFor(async () => !!stageFrame(seen.staff) && !!stageFrame(seen.m1) && !!stageFrame(seen.m3));
    expect(stageFrame(seen.m3)!.frame).toMatchObject({ channelId: c1, stage: 'contacted' });
    // The second channel's change, made after, arrived: the first channel's frames had every chance to.
    await call(node.url, 'POST', `/api/follow-ups/${p2}/notes`, {
      token: m2.token,
      body: { body: 'called' },
    });
    await waitFor(async () => seen.m2.some((f) => f.frame.change === 'note_added'));

    expect(ids(seen.m2).has(p1)).toBe(false);
    expect(ids(seen.m1).has(p2)).toBe(false);
    expect(ids(seen.m3)).toEqual(new Set([p1]));
    // Ids and the stage only: a note's text never travels in a frame.
    expect(JSON.stringify(seen.m2)).not.toContain('called');
  });

  it('a manager taken off a channel stops receiving its frames', async () => {
    const p1 = await invite(m1, c1, 'moved-channel@example.test');
    await waitFor(async () => ids(seen.m1).has(p1));
    // The record's owner (its channel's manager by default) would still be told: it goes to no one.
    const unowned = await call(node.url, 'POST', '/api/follow-ups/assign', {
      token: staff.token,
      body: { followUpIds: [p1], ownerId: null },
    });
    expect(unowned.status).toBe(200);
    // The first channel is handed to the second manager; the stream re-reads managers' channels.
    await node.platform.store.db
      .updateTable('channels')
      .set({ manager_id: m2.person.id })
      .where('id', '=', c1)
      .execute();
    await waitFor(async () => {
      await call(node.url, 'POST', `/api/follow-ups/${p1}/notes`, {
        token: staff.token,
        body: { body: 'n' },
      });
      return seen.m2.some((f) => f.frame.followUpId === p1);
    });
    const before = seen.m1.length;
    await call(node.url, 'POST', `/api/follow-ups/${p1}/stage`, {
      token: staff.token,
      body: { stage: 'booked' },
    });
    await waitFor(async () => seen.m2.some((f) => f.frame.followUpId === p1 && f.frame.stage === 'booked'));
    expect(seen.m1.slice(before).filter((f) => f.frame.followUpId === p1)).toEqual([]);
  });

  it('a tested milestone is addressed to staff alone; other milestones to the channel and owner too', () => {
    const milestone = (kind: string): DomainEvent => ({
      id: 1,
      type: 'follow_up.milestone',
      aggregateId: 'p',
      sessionId: null,
      sessionSeq: null,
      payload: { personId: 'p', followUpIds: ['f'], channelIds: ['c'], ownerIds: ['o'], kind },
      createdAtMs: 1,
    });
    expect(followUpFrames(milestone('tested')).map(roomsFor)).toEqual([[STAFF_ROOM]]);
    expect(followUpFrames(milestone('paid')).map(roomsFor)).toEqual([[STAFF_ROOM, 'ch:c', 'cm:o']]);
  });
});
