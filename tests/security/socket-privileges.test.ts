// Socket privileges do not outlive the token or the person's roles. Two gateway nodes share one Redis
// and one PostgreSQL: a staff member demoted through node A loses the /host console they hold open on
// node B, and cannot end a session with their old token; a token that expires while the console is open
// no longer acts; a logout through one node lets go of the person's /staff socket on the other, and the
// old token no longer opens it; a channel manager taken off a channel through node A stops receiving that
// channel's figures on node B, in the updates of the socket they hold open and in a new snapshot.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { RedisServer } from '../../loadtest/clients/redis-server.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { call, cookiePair, postOk } from '../helpers/http-call.ts';
import { ask, type LiveNode, ok, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

/** Resolves with the reason the server gave when it closes the socket, or 'still open' after 15 s. */
function closed(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still open'), 15_000);
    s.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

async function connectError(
  url: string,
  nsp: '/host' | '/staff',
  token: string,
): Promise<string | undefined> {
  try {
    const s = await socketTo(url, nsp, token);
    s.disconnect();
    return undefined;
  } catch (err) {
    return (err as { data?: { code?: string } }).data?.code;
  }
}

describe('socket privileges across two nodes', () => {
  const redis = new RedisServer();
  let pg: ScratchDatabase;
  const nodes: LiveNode[] = [];
  const sockets: Socket[] = [];
  let a: string;
  let b: string;

  beforeAll(async () => {
    await redis.start();
    pg = await createScratchDatabase();
    // One at a time: the first runs the migrations.
    for (let i = 0; i < 2; i++)
      nodes.push(await startLiveNode({ REDIS_URL: redis.url, DATABASE_URL: pg.url, LOG_LEVEL: 'warn' }));
    [a, b] = nodes.map((n) => n.url) as [string, string];
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const n of nodes) await n.close();
    await pg?.drop();
    await redis.stop();
  }, 60_000);

  const store = () => nodes[0]!.platform.store;

  async function liveSession(title: string): Promise<string> {
    const host = await seedPerson(store(), tokens, { roles: ['host'] });
    const sessionId = (await postOk(a, host.token, '/api/live-sessions', { title })).sessionId as string;
    await postOk(a, host.token, `/api/live-sessions/${sessionId}/go-live`);
    return sessionId;
  }

  it('a staff member demoted through node A loses their console on node B and cannot end a session', async () => {
    const sessionId = await liveSession('Demotion');
    const admin = await seedPerson(store(), tokens, { roles: ['admin'] });
    const staff = await seedPerson(store(), tokens, { roles: ['staff'] });
    const console = await socketTo(b, '/host', staff.token);
    sockets.push(console);
    await ok(console, 'host:join', { sessionId });
    const gone = closed(console);

    const res = await call(a, 'DELETE', `/api/people/${staff.person.id}/roles/staff`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(await gone).toBe('io server disconnect');

    // The old token still opens a console (it is a valid member token), but carries no staff power.
    const again = await socketTo(b, '/host', staff.token);
    sockets.push(again);
    const end = await ask(again, 'session:end', { sessionId });
    expect(end).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const session = await call(a, 'GET', `/api/live-sessions/${sessionId}`, { token: admin.token });
    expect((session.body.session as { state: string }).state).toBe('live');
  }, 60_000);

  it('a token that expires while the console is open no longer acts', async () => {
    const sessionId = await liveSession('Expiry');
    const staff = await seedPerson(store(), tokens, { roles: ['staff'] });
    // Issued so that it expires two seconds from now.
    const ttlMs = tokens.accessTtlSec * 1000;
    const token = await tokens.mintAccess(staff.person.id, staff.person.roles, Date.now() - ttlMs + 2_000);
    const expiresAt = (await tokens.verifyAccess(token)).expiresAtMs;
    const console = await socketTo(b, '/host', token);
    sockets.push(console);
    await ok(console, 'host:join', { sessionId });
    await waitFor(() => Date.now() > expiresAt + 100, 10_000);

    const end = await ask(console, 'session:end', { sessionId });
    expect(end).toMatchObject({ ok: false, error: { code: 'AUTH_INVALID_TOKEN' } });
    const session = await call(a, 'GET', `/api/live-sessions/${sessionId}`, { token: staff.token });
    expect((session.body.session as { state: string }).state).toBe('live');
  }, 30_000);

  it('a logout through node A lets go of the /staff socket on node B; the old token is refused', async () => {
    const password = 'correct horse battery staple';
    const staff = await seedPerson(store(), tokens, { roles: ['staff'], password });
    const login = await call(a, 'POST', '/api/auth/login', {
      body: { login: staff.person.email, password },
    });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;
    const cookie = cookiePair(login.headers.get('set-cookie'));
    // The token must come from an earlier second than the logout for the logout to end it.
    const loginSecond = Math.floor(Date.now() / 1000);
    await waitFor(() => Math.floor(Date.now() / 1000) > loginSecond, { what: 'the next second' });
    const figures = await socketTo(b, '/staff', token);
    sockets.push(figures);
    const gone = closed(figures);

    const out = await call(a, 'POST', '/api/auth/logout', { cookie });
    expect(out.status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect(await connectError(b, '/staff', token)).toBe('AUTH_INVALID_TOKEN');
  }, 30_000);
  it('a channel manager taken off a channel through node A stops receiving its figures on node B', async () => {
    const sessionId = await liveSession('Reassignment');
    const staff = await seedPerson(store(), tokens, { roles: ['staff'] });
    const m1 = await seedPerson(store(), tokens, { roles: ['channel_manager'] });
    const m2 = await seedPerson(store(), tokens, { roles: ['channel_manager'] });
    const channel = await postOk(a, staff.token, '/api/channels', {
      name: 'Reassigned clinic',
      managerId: m1.person.id,
      commissionBps: 500,
    });
    const channelId = channel.id as string;

    type Frame = { sessions: Array<{ sessionId: string; uniqueViewers: number }> };
    const frames: Array<{ event: string; frame: Frame }> = [];
    const figures = await socketTo(b, '/staff', m1.token, {
      listen: (s) => {
        s.on('staff:snapshot', (frame: Frame) => frames.push({ event: 'staff:snapshot', frame }));
        s.on('staff:update', (frame: Frame) => frames.push({ event: 'staff:update', frame }));
      },
    });
    sockets.push(figures);
    const viewers = (f: Frame | undefined) =>
      f?.sessions.find((s) => s.sessionId === sessionId)?.uniqueViewers;
    const mentions = (f: Frame) => JSON.stringify(f).includes(channelId);

    // A viewer through the channel's link, on node A: the manager sees them while the channel is theirs.
    const viewer = await socketTo(a, '/live');
    sockets.push(viewer);
    await ok(viewer, 'live:join', { sessionId, viewerId: 'reassigned-viewer-1', ch: channel.inviteCode });
    // A prospect invited into the channel: its 30-day conversion row names the channel. (Staff invite:
    // a manager's own invitation is held back from their figures until the person acts.)
    await postOk(a, staff.token, `/api/channels/${channelId}/invitations`, {
      displayName: 'Invited prospect',
      email: `prospect-${channelId}@example.com`,
    });
    await waitFor(() => {
      const last = frames.at(-1)?.frame;
      return viewers(last) === 1 && last !== undefined && mentions(last);
    });

    const res = await call(a, 'PATCH', `/api/channels/${channelId}`, {
      token: staff.token,
      body: { managerId: m2.person.id },
    });
    expect(res.status).toBe(200);
    expect(res.body.managerId).toBe(m2.person.id);
    // Within a few updates (500 ms apart) the channel is gone from the manager's figures...
    await waitFor(() => viewers(frames.at(-1)?.frame) === 0, 5_000);
    const from = frames.length - 1;
    // ...and no later update brings it back. A second viewer through the channel's link counts for
    // whoever manages it; a session going live afterwards changes every manager's figures, so an update
    // listing that session was computed after the second viewer joined.
    const viewer2 = await socketTo(a, '/live');
    sockets.push(viewer2);
    await ok(viewer2, 'live:join', { sessionId, viewerId: 'reassigned-viewer-2', ch: channel.inviteCode });
    const marker = await liveSession('Marker');
    await waitFor(() => frames.at(-1)?.frame.sessions.some((s) => s.sessionId === marker) === true, {
      what: 'an update listing the session that went live since',
    });
    for (const { event, frame } of frames.slice(from)) {
      expect(event).toBe('staff:update');
      expect(viewers(frame)).toBe(0);
      expect(mentions(frame)).toBe(false);
    }

    // Reconnecting does not bring the channel back either.
    figures.disconnect();
    const snapshots: Frame[] = [];
    const again = await socketTo(b, '/staff', m1.token, {
      listen: (s) => s.on('staff:snapshot', (frame: Frame) => snapshots.push(frame)),
    });
    sockets.push(again);
    await waitFor(() => snapshots.length > 0);
    expect(viewers(snapshots[0])).toBe(0);
    expect(mentions(snapshots[0]!)).toBe(false);
  }, 60_000);
});
