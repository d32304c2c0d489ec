// A channel manager reads only their own channels' figures: every /api/metrics and /api/events endpoint
// answers 403 FORBIDDEN for another channel, an event of other channels or a referrer of another
// channel, lists leave other channels out, and the /staff stream carries only their own rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../loadtest/clients/wait-for.ts';
import { runScenario, type Scenario } from '../../helpers/attribution-scenario.ts';
import { call, postOk } from '../../helpers/http-call.ts';
import { type LiveNode, socketTo, startLiveNode } from '../../helpers/live-platform.ts';

interface Frame {
  conversion?: {
    channels: Array<{ channelId: string; invited: number }>;
    events: Array<{ eventId: string; channels: Array<{ channelId: string }>; total: { invited: number } }>;
    aarrr: { acquisition: { newPeople: number; byChannel: Array<{ channelId: string }> } };
  };
}

describe('channel manager scope on metrics and events', () => {
  let node: LiveNode;
  let s: Scenario;
  let c2Event: string;

  beforeAll(async () => {
    node = await startLiveNode();
    s = await runScenario(node);
    c2Event = (
      await postOk(node.url, s.staff.token, '/api/events', {
        title: 'C2 only',
        venue: 'Hall B',
        startsAtMs: Date.now(),
        channelIds: [s.c2],
      })
    ).id as string;
  }, 120_000);
  afterAll(async () => {
    for (const v of s?.sockets ?? []) v.disconnect();
    await node?.close();
  });

  it('403 FORBIDDEN with its code on every endpoint naming another channel’s figures', async () => {
    const m1 = s.m1.token;
    const refused: Array<[method: string, path: string, body?: unknown]> = [
      ['GET', `/api/metrics/channels/${s.c2}`],
      ['GET', `/api/metrics/events/${c2Event}`],
      ['GET', `/api/metrics/sessions/${s.sessionId}?channelId=${s.c2}`],
      ['GET', `/api/metrics/referrers/${s.b[0]!.personId}`],
      ['GET', `/api/metrics/aarrr?channelId=${s.c2}`],
      ['GET', `/api/metrics/follow-ups?channelId=${s.c2}`],
      ['GET', `/api/events/${c2Event}`],
      ['GET', `/api/events/${c2Event}/invitees`],
      [
        'POST',
        `/api/events/${s.eventId}/invitees`,
        { channelId: s.c2, displayName: 'x', email: 'x@example.test' },
      ],
      ['POST', `/api/events/${s.eventId}/check-ins`, { memberCode: s.b[0]!.memberCode }],
      ['POST', '/api/events', { title: 't', venue: 'v', startsAtMs: 0, channelIds: [s.c1] }],
    ];
    for (const [method, path, body] of refused) {
      const r = await call(node.url, method, path, { token: m1, body });
      expect({ path, status: r.status, code: r.body?.code }).toEqual({
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    // A member reads no metrics at all.
    for (const path of [
      '/api/metrics/channels',
      '/api/metrics/aarrr',
      '/api/metrics/follow-ups',
      '/api/events',
    ]) {
      const r = await call(node.url, 'GET', path, { token: s.member.token });
      expect({ path, status: r.status, code: r.body?.code }).toEqual({
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
  });

  it('lists leave other channels out', async () => {
    const m1 = s.m1.token;
    const get = async (p: string) =>
      (await call(node.url, 'GET', p, { token: m1 })).body as unknown as Array<Record<string, unknown>> &
        Record<string, unknown>;
    expect((await get('/api/metrics/channels')).map((r) => r.channelId)).toEqual([s.c1]);
    expect((await get('/api/events')).map((e) => e.id)).toEqual([s.eventId]);
    const invitees = await get(`/api/events/${s.eventId}/invitees`);
    expect(invitees.length).toBe(20);
    expect(new Set(invitees.map((i) => i.channelId))).toEqual(new Set([s.c1]));
    const event = await get(`/api/metrics/events/${s.eventId}`);
    expect((event.channels as Array<{ channelId: string }>).map((c) => c.channelId)).toEqual([s.c1]);
    const aarrr = await get('/api/metrics/aarrr');
    expect((aarrr.acquisition as { newPeople: number }).newPeople).toBe(20);
    // Follow-ups show a manager only people with health-data consent: a4 (C1) and b1 (C2) give it.
    await node.platform.store.db
      .updateTable('people')
      .set({ consent_health_data: 1, consent_health_data_at_ms: Date.now() })
      .where('id', 'in', [s.a[4]!.personId, s.b[1]!.personId])
      .execute();
    const follow = await get('/api/metrics/follow-ups');
    expect(new Set(follow.map((f) => f.channelId))).toEqual(new Set([s.c1]));
    expect(follow.map((f) => f.personId)).toEqual([s.a[4]!.personId]);
    const referrers = await get('/api/metrics/referrers');
    expect(referrers.map((r) => r.referrerId)).toEqual([s.bob.personId]);
  });

  it('the /staff stream carries only the manager’s channels; staff get all', async () => {
    const frames = { staff: [] as Frame[], m1: [] as Frame[], m2: [] as Frame[] };
    for (const [name, token] of [
      ['staff', s.staff.token],
      ['m1', s.m1.token],
      ['m2', s.m2.token],
    ] as const) {
      const sock = await socketTo(node.url, '/staff', token, {
        listen: (sock) => {
          sock.on('staff:snapshot', (f: Frame) => frames[name].push(f));
          sock.on('staff:update', (f: Frame) => frames[name].push(f));
        },
      });
      s.sockets.push(sock);
    }
    await waitFor(() => frames.staff.length > 0 && frames.m1.length > 0 && frames.m2.length > 0);
    const staff = frames.staff.at(-1)!.conversion!;
    expect(staff.channels.map((c) => c.channelId).sort()).toEqual([s.c1, s.c2].sort());
    expect(staff.events.find((e) => e.eventId === s.eventId)?.total.invited).toBe(30);
    expect(staff.aarrr.acquisition.newPeople).toBe(30);
    // A later invitation reaches the stream within the coalescing period.
    await postOk(node.url, s.m2.token, `/api/events/${c2Event}/invitees`, {
      channelId: s.c2,
      displayName: 'late',
      email: 'late-c2@example.test',
    });
    // Held back until the person acts: they confirm their contact at the desk.
    const late = (
      await call<Array<{ displayName: string; personId: string }>>(
        node.url,
        'GET',
        `/api/events/${c2Event}/invitees`,
        { token: s.staff.token },
      )
    ).body.find((r) => r.displayName === 'late')!;
    await postOk(node.url, s.staff.token, `/api/people/${late.personId}/contacts/email/vouch`, {});
    await waitFor(
      () =>
        frames.m2.at(-1)?.conversion?.events.some((e) => e.eventId === c2Event && e.total.invited === 1) ===
        true,
    );
    for (const [name, own] of [
      ['m1', s.c1],
      ['m2', s.c2],
    ] as const) {
      for (const f of frames[name]) {
        const c = f.conversion!;
        for (const row of c.channels) expect(row.channelId).toBe(own);
        for (const row of c.aarrr.acquisition.byChannel) expect(row.channelId).toBe(own);
        for (const e of c.events) for (const row of e.channels) expect(row.channelId).toBe(own);
        if (name === 'm1') expect(c.events.map((e) => e.eventId)).not.toContain(c2Event);
      }
    }
  });
});
