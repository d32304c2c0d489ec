// Live chat cannot be used to flood a room or to learn who is who: an anonymous viewer is limited per
// viewer id across all its sockets (not only per socket); broadcast messages carry no person id and a
// name the server chose; a host's mute follows the person behind a viewer id to their other browsers.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { postOk } from '../helpers/http-call.ts';
import { ask, type LiveNode, ok, record, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe('live chat abuse', () => {
  let node: LiveNode;
  let sessionId: string;
  let hostToken: string;
  const sockets: Socket[] = [];

  const open = async (token?: string) => {
    const s = await socketTo(node.url, '/live', token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    node = await startLiveNode();
    const host = await seedPerson(node.platform.store, tokens, { roles: ['host'] });
    hostToken = host.token;
    sessionId = (await postOk(node.url, host.token, '/api/live-sessions', { title: 'Chat' }))
      .sessionId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
  }, 30_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it('limits an anonymous viewer id across its sockets', async () => {
    const first = await open();
    // Ids an older page made up are replaced; the server's answer is the id to reuse.
    const viewerId =
      (await ok(first, 'live:join', { sessionId, viewerId: 'made-up-chat-1' })).viewerId ?? 'made-up-chat-1';
    const more = [await open(), await open()];
    for (const s of more) await ok(s, 'live:join', { sessionId, viewerId });
    // Three messages per socket stay within each socket's own burst (5), not within the viewer's.
    const replies = await Promise.all(
      [first, ...more].flatMap((s, i) =>
        [0, 1, 2].map((j) => ask(s, 'chat:send', { sessionId, text: `m${i}${j}` })),
      ),
    );
    const refused = replies.filter((r) => !r.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('broadcasts no person id and a server-chosen name; a mute follows the person', async () => {
    const member = await seedPerson(node.platform.store, tokens, { displayName: 'Alice Example' });
    const watcher = await open();
    await ok(watcher, 'live:join', { sessionId, viewerId: 'made-up-watcher' });
    const seen = record(watcher, ['chat:message']);
    const phone = await open(member.token);
    const viewerId =
      (await ok(phone, 'live:join', { sessionId, viewerId: 'made-up-phone' })).viewerId ?? 'made-up-phone';
    await ok(phone, 'chat:send', { sessionId, text: 'hello from the phone' });
    await waitFor(() => seen.some((m) => m.frame.text === 'hello from the phone'));
    const message = seen.find((m) => m.frame.text === 'hello from the phone')!.frame;
    expect(message).not.toHaveProperty('personId');
    expect(JSON.stringify(message)).not.toContain(member.person.id);
    expect(message.viewerId).toBe(viewerId);
    expect(message.name).toMatch(/^Viewer \d{4}$/);

    // The host mutes the message's author by its viewer id; the person's laptop (another id) is muted too.
    const host = await socketTo(node.url, '/host', hostToken);
    sockets.push(host);
    await ok(host, 'chat:mute', { sessionId, viewerId: message.viewerId, durationSec: 600 });
    const laptop = await open(member.token);
    const laptopJoin = await ok(laptop, 'live:join', { sessionId, viewerId: 'made-up-laptop' });
    expect(laptopJoin.viewerId ?? 'made-up-laptop').not.toBe(viewerId);
    expect(await ask(laptop, 'chat:send', { sessionId, text: 'from the laptop' })).toMatchObject({
      ok: false,
      error: { code: 'CHAT_MUTED' },
    });
  });
});
