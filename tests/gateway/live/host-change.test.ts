// Staff hand a live session to another host: only staff may, only to someone holding the host role, never
// after the end. The change is honoured at once: the former host's console is refused and stops getting
// orders, the media room reopens with the new host publishing, and viewers are asked to rejoin, not told
// the session ended.
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../loadtest/clients/wait-for.ts';
import { call, postOk } from '../../helpers/http-call.ts';
import {
  ask,
  type LiveNode,
  record,
  socketTo,
  startLiveNode,
  type TestSocket,
} from '../../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../../helpers/people.ts';
import { PICKUP } from '../../helpers/sales.ts';

const tokens = testTokens();

describe('changing the host of a live session', () => {
  let node: LiveNode;
  const sockets: Socket[] = [];
  let staff: Seeded;
  let hostA: Seeded;
  let hostB: Seeded;
  let member: Seeded;
  let sessionId = '';
  let cardId = '';

  const media = async (token?: string): Promise<TestSocket<'/media'>> => {
    const s: TestSocket<'/media'> = connect(`${node.url}/media`, {
      transports: ['websocket'],
      auth: token ? { token } : {},
    });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  };
  const open = async <N extends '/live' | '/host'>(nsp: N, token?: string) => {
    const s = await socketTo(node.url, nsp, token);
    sockets.push(s);
    return s;
  };
  const codeOf = async (s: TestSocket<'/live' | '/host' | '/media'>, event: string, payload: unknown) => {
    const r = await ask(s, event, payload);
    return r.ok ? 'ok' : r.error.code;
  };
  const patch = (token: string, body: unknown, id = sessionId) =>
    call(node.url, 'PATCH', `/api/live-sessions/${id}`, { token, body });

  beforeAll(async () => {
    node = await startLiveNode({ MEDIA_WORKERS: '1', MEDIA_BASE_PORT: '0', MEDIA_LOG_LEVEL: 'none' });
    const { store } = node.platform;
    staff = await seedPerson(store, tokens, { roles: ['staff'] });
    hostA = await seedPerson(store, tokens, { roles: ['host'] });
    hostB = await seedPerson(store, tokens, { roles: ['host'] });
    member = await seedPerson(store, tokens);
    const product = await postOk(node.url, staff.token, '/api/products', {
      titles: { en: 'Shake', 'zh-Hans': '奶昔', 'zh-Hant': '奶昔' },
      skus: [{ code: 'HOST-CHANGE-1', priceMinor: 9_900, currency: 'CNY', stock: 50 }],
    });
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    sessionId = (await postOk(node.url, hostA.token, '/api/live-sessions', { title: 'Handover' }))
      .sessionId as string;
    await postOk(node.url, hostA.token, `/api/live-sessions/${sessionId}/go-live`);
    cardId = (
      await postOk(node.url, hostA.token, `/api/live-sessions/${sessionId}/cards`, { skuId, quantity: 10 })
    ).cardId as string;
    await postOk(node.url, hostA.token, `/api/live-sessions/${sessionId}/cards/${cardId}/pin`);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it('is refused with coded errors to non-staff, to people without the host role and on bad input', async () => {
    const refused = async (token: string, body: unknown, id?: string) => {
      const r = await patch(token, body, id);
      return [r.status, (r.body as { code: string }).code];
    };
    expect(await refused(hostA.token, { hostPersonId: hostB.person.id })).toEqual([403, 'FORBIDDEN']);
    expect(await refused(member.token, { hostPersonId: hostB.person.id })).toEqual([403, 'FORBIDDEN']);
    expect(await refused(staff.token, { hostPersonId: member.person.id })).toEqual([
      422,
      'HOST_ROLE_REQUIRED',
    ]);
    expect(await refused(staff.token, { hostPersonId: 'no-such-person' })).toEqual([404, 'NOT_FOUND']);
    expect(await refused(staff.token, { hostPersonId: hostB.person.id }, 'no-such-session')).toEqual([
      404,
      'NOT_FOUND',
    ]);
    expect(await refused(staff.token, {})).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refused(staff.token, { hostPersonId: hostB.person.id, title: 'x' })).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
    const session = await call(node.url, 'GET', `/api/live-sessions/${sessionId}`);
    expect((session.body as { session: { hostPersonId: string } }).session.hostPersonId).toBe(
      hostA.person.id,
    );
  });

  it('moves the console, the orders feed and the media room to the new host at once', async () => {
    // Before: A runs the console and publishes; a viewer watches.
    const consoleA = await open('/host', hostA.token);
    expect(await codeOf(consoleA, 'host:join', { sessionId })).toBe('ok');
    const ordersA = record(consoleA, ['order:new']);
    const mediaA = await media(hostA.token);
    expect((await ask(mediaA, 'media:join', { sessionId })) as unknown).toMatchObject({
      data: { role: 'host' },
    });
    const viewerMedia = await media();
    expect(await ask(viewerMedia, 'media:join', { sessionId })).toMatchObject({ data: { role: 'viewer' } });
    const viewerFrames = record(viewerMedia, ['media:reconnect', 'media:roomClosed']);
    const hostFrames = record(mediaA, ['media:reconnect', 'media:roomClosed']);
    const live = await open('/live');
    expect((await ask(live, 'live:join', { sessionId, viewerId: 'v-handover' })).ok).toBe(true);
    const states = record(live, ['session:state']);
    const consoleB = await open('/host', hostB.token);
    expect(await codeOf(consoleB, 'host:join', { sessionId })).toBe('FORBIDDEN');

    const changed = await patch(staff.token, { hostPersonId: hostB.person.id });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ sessionId, hostPersonId: hostB.person.id, state: 'live' });

    // Viewers learn the new host and are asked to rejoin the media room (not told the session ended).
    await waitFor(() => states.length > 0 && viewerFrames.length > 0 && hostFrames.length > 0);
    expect(states[0]!.frame).toMatchObject({ session: { hostPersonId: hostB.person.id } });
    expect(viewerFrames.map((f) => [f.event, f.frame.reason])).toEqual([['media:reconnect', 'host_changed']]);
    expect(hostFrames.map((f) => f.event)).toEqual(['media:reconnect']);

    // The console: A is refused, B joins and pins.
    expect(await codeOf(consoleA, 'card:unpin', { sessionId, cardId })).toBe('FORBIDDEN');
    expect(await codeOf(consoleA, 'host:join', { sessionId })).toBe('FORBIDDEN');
    expect(await codeOf(consoleB, 'host:join', { sessionId })).toBe('ok');
    const ordersB = record(consoleB, ['order:new']);
    expect(await codeOf(consoleB, 'card:unpin', { sessionId, cardId })).toBe('ok');
    expect(await codeOf(consoleB, 'card:pin', { sessionId, cardId })).toBe('ok');

    // Orders now reach B's console only.
    const order = await call(node.url, 'POST', '/api/orders', {
      token: member.token,
      body: { cardId, quantity: 1, provider: 'manual', fulfilment: PICKUP },
      headers: { 'idempotency-key': 'handover-1' },
    });
    expect(order.status).toBe(201);
    await waitFor(() => ordersB.length === 1);
    // One emit writes the order to every console in the room before B can read it; an answer on A's
    // own connection comes after anything written to A before it, so A has had its chance to get it.
    expect(await codeOf(consoleA, 'host:join', { sessionId })).toBe('FORBIDDEN');
    expect(ordersA).toEqual([]);

    // The media room reopens for B: B joins as host, A only as a viewer.
    const mediaB = await media(hostB.token);
    expect(await ask(mediaB, 'media:join', { sessionId })).toMatchObject({ data: { role: 'host' } });
    expect(await ask(mediaA, 'media:join', { sessionId })).toMatchObject({ data: { role: 'viewer' } });
    expect(await codeOf(mediaA, 'media:createTransport', { sessionId, type: 'plain' })).toBe(
      'MEDIA_HOST_ONLY',
    );
  });

  it('is refused once the session has ended', async () => {
    await postOk(node.url, staff.token, `/api/live-sessions/${sessionId}/end`);
    const r = await patch(staff.token, { hostPersonId: hostA.person.id });
    expect([r.status, (r.body as { code: string }).code]).toEqual([409, 'SESSION_STATE_INVALID']);
  });
});
