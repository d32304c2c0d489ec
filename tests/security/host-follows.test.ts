// Following a host from a session's page: signed-in people only, an unknown session is 404, a host cannot
// follow themselves, following twice is one follow. A follower is told when the host's next live starts
// (once, even when they also asked "remind me"), and no longer after unfollowing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe.each(['sqlite', 'postgres'] as const)('following a host (%s)', (dialect) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  let host: Seeded;
  let follower: Seeded;
  let both: Seeded;
  let quitter: Seeded;
  let firstSession = '';

  const follow = (method: 'GET' | 'PUT' | 'DELETE', token: string | undefined, id = firstSession) =>
    call(node.url, method, `/api/live-sessions/${id}/follow`, { token });
  const goLiveMessages = async (sessionId: string) =>
    node.platform.store.db
      .selectFrom('messages')
      .select(['person_id'])
      .where('kind', '=', 'live_reminder_golive')
      .where('source', '=', `session:${sessionId}`)
      .execute();

  beforeAll(async () => {
    if (dialect === 'postgres') pg = await createScratchDatabase();
    node = await startLiveNode(pg ? { DATABASE_URL: pg.url } : {});
    const { store } = node.platform;
    host = await seedPerson(store, tokens, { roles: ['host'] });
    follower = await seedPerson(store, tokens);
    both = await seedPerson(store, tokens);
    quitter = await seedPerson(store, tokens);
    firstSession = (await postOk(node.url, host.token, '/api/live-sessions', { title: 'First' }))
      .sessionId as string;
  }, 60_000);

  afterAll(async () => {
    await node?.close();
    await pg?.drop();
  });

  it('refuses the anonymous, unknown sessions, self-follows and malformed ids with coded errors', async () => {
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const anon = await follow(method, undefined);
      expect([anon.status, anon.body.code]).toEqual([401, 'AUTH_REQUIRED']);
      const unknown = await follow(method, follower.token, 'no-such-session');
      expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
      const bad = await follow(method, follower.token, 'x'.repeat(65));
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const self = await follow('PUT', host.token);
    expect([self.status, self.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const expired = await tokens.mintAccess(follower.person.id, follower.person.roles, 0);
    expect((await follow('PUT', expired)).status).toBe(401);
    expect((await follow('GET', follower.token)).body).toEqual({ sessionId: firstSession, following: false });
  });

  it("tells followers when the host's next live starts, once each, and not after unfollowing", async () => {
    for (const p of [follower, both, quitter]) {
      expect((await follow('PUT', p.token)).body).toEqual({ sessionId: firstSession, following: true });
    }
    // Twice is one follow.
    expect((await follow('PUT', follower.token)).status).toBe(200);
    expect((await follow('GET', follower.token)).body.following).toBe(true);
    expect((await follow('DELETE', quitter.token)).body).toEqual({
      sessionId: firstSession,
      following: false,
    });

    // The host's next session: one follower also asked "remind me" for it.
    const next = (await postOk(node.url, host.token, '/api/live-sessions', { title: 'Next' }))
      .sessionId as string;
    expect(
      (await call(node.url, 'POST', `/api/live-sessions/${next}/reminder`, { token: both.token })).status,
    ).toBe(200);
    // Following is per host: the new session shows the follow too.
    expect((await follow('GET', follower.token, next)).body.following).toBe(true);
    await postOk(node.url, host.token, `/api/live-sessions/${next}/go-live`);
    await waitFor(async () => (await goLiveMessages(next)).length >= 2, 10_000);
    const told = (await goLiveMessages(next)).map((m) => m.person_id).sort();
    expect(told).toEqual([follower.person.id, both.person.id].sort());
  });
});
