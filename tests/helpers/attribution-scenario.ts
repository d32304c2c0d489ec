// The worked example of ARCHITECTURE ("People, codes and attribution") grown into a scripted scenario on
// a whole platform node: 2 channels, 30 invitees, an offline event with check-ins and device tests, a
// live session with orders, a repeat purchase and a refund. Everything goes through the HTTP API, the
// /live socket and commerce's readings ingest; the figures it should produce are computed by hand in
// the test that runs it.
import type { Socket } from 'socket.io-client';
import { Readings } from '../../commerce/internals.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { registerWithCode } from './accounts.ts';
import { call, postOk } from './http-call.ts';
import { type LiveNode, ok, socketTo } from './live-platform.ts';
import { type Seeded, seedPerson, testTokens } from './people.ts';
import { PICKUP } from './sales.ts';

const tokens = testTokens();

export interface Scenario {
  staff: Seeded;
  m1: Seeded;
  m2: Seeded;
  member: Seeded;
  c1: string;
  c2: string;
  eventId: string;
  sessionId: string;
  cardId: string;
  /** C1's invitees a0..a19 and C2's b0..b9: person id and member code */
  a: Array<{ personId: string; memberCode: string; email: string }>;
  b: Array<{ personId: string; memberCode: string; email: string }>;
  bob: { personId: string; token: string };
  alice: { personId: string; token: string };
  sockets: Socket[];
  /** The first check-in of a0 answered again: must say firstTime false. */
  repeatedCheckIn: { status: number; body: Record<string, unknown> };
}

/** Waits until every transactional consumer has applied every outbox event committed so far. */
export async function settle(node: LiveNode): Promise<void> {
  const db = node.platform.store.db;
  await waitFor(async () => {
    const max = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const positions = await db
      .selectFrom('consumer_positions')
      .select(['consumer', 'position'])
      .where('consumer', 'in', ['conversion-rollups', 'live-funnel', 'ledger'])
      .execute();
    return positions.length === 3 && positions.every((p) => Number(p.position) >= Number(max?.id ?? 0));
  }, 20_000);
}

export async function runScenario(node: LiveNode): Promise<Scenario> {
  const { store } = node.platform;
  const staff = await seedPerson(store, tokens, { roles: ['staff'] });
  const host = await seedPerson(store, tokens, { roles: ['host'] });
  const m1 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
  const m2 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
  const member = await seedPerson(store, tokens);
  const post = (token: string, p: string, body: unknown = {}) => postOk(node.url, token, p, body);

  const c1 = (
    await post(staff.token, '/api/channels', { name: 'C1', managerId: m1.person.id, commissionBps: 1000 })
  ).id as string;
  const c2 = (
    await post(staff.token, '/api/channels', { name: 'C2', managerId: m2.person.id, commissionBps: 500 })
  ).id as string;
  const event = await post(staff.token, '/api/events', {
    title: 'Friday wellness day',
    venue: 'Clinic hall',
    startsAtMs: Date.now(),
    channelIds: [c1, c2],
  });
  const eventId = event.id as string;

  // 20 invitees for C1 (by its manager), 10 for C2. A manager is only told "sent"; staff read who
  // was registered, with their member codes (which the invitees themselves received by message).
  const invite = async (manager: Seeded, channelId: string, name: string) => {
    const email = `${name}-${channelId.slice(0, 6)}@example.test`;
    await post(manager.token, `/api/events/${eventId}/invitees`, { channelId, displayName: name, email });
    return { name, email };
  };
  const invited = [];
  for (let i = 0; i < 20; i++) invited.push(await invite(m1, c1, `a${i}`));
  for (let i = 0; i < 10; i++) invited.push(await invite(m2, c2, `b${i}`));
  const listed = (
    await call<Array<{ displayName: string; personId: string; memberCode: string }>>(
      node.url,
      'GET',
      `/api/events/${eventId}/invitees`,
      { token: staff.token },
    )
  ).body;
  const byName = new Map(listed.map((r) => [r.displayName, r]));
  const registered = invited.map(({ name, email }) => {
    const r = byName.get(name);
    if (!r) throw new Error(`invitee ${name} was not registered`);
    return { personId: r.personId, memberCode: r.memberCode, email };
  });
  const a = registered.slice(0, 20);
  const b = registered.slice(20);
  // A manager's invitation is held back from their channel until the person acts; here every invitee
  // confirms their contact at the desk (staff vouch), so all thirty count for their channels.
  for (const p of registered) await post(staff.token, `/api/people/${p.personId}/contacts/email/vouch`);

  // Check-ins at the door: a0..a11 and b0..b4; a0 twice.
  for (const p of [...a.slice(0, 12), ...b.slice(0, 5)])
    await post(staff.token, `/api/events/${eventId}/check-ins`, { memberCode: p.memberCode });
  const again = await call(node.url, 'POST', `/api/events/${eventId}/check-ins`, {
    token: staff.token,
    body: { memberCode: a[0]!.memberCode.toLowerCase() },
  });

  // Device tests at the event: a0..a7, a12 (not checked in: the reading counts as attendance), b0..b2;
  // b5 tested at a clinic (no event). Each test is two readings (weight and body fat) of one device.
  const readings = new Readings(store);
  const now = Date.now();
  let seq = 0;
  const test = (memberCode: string, ev: string | null) =>
    ['WEIGHT_KG', 'BODY_FAT_PCT'].map((metric, k) => ({
      deviceId: 'scale-1',
      bootId: 1,
      seq: ++seq,
      metric,
      value: k === 0 ? 70 : 28,
      measuredAtMs: now - 1000,
      memberCode,
      eventId: ev,
      receivedAtMs: now,
    }));
  const batch = [
    ...[...a.slice(0, 8), a[12]!, ...b.slice(0, 3)].flatMap((p) => test(p.memberCode, eventId)),
    ...test(b[5]!.memberCode, null),
  ];
  await readings.ingest(batch);
  await readings.ingest(batch.slice(0, 4)); // a venue edge resending: no effect

  // Sign-ups: Bob (a1) first, then Alice (a0) on Bob's share link; a2, a3, a15, b0, b5 to buy.
  const register = async (p: { email: string }, name: string, referralCode?: string) => {
    const r = await registerWithCode(
      node.url,
      { mailbox: node.mailbox },
      {
        displayName: name,
        email: p.email,
        password: 'correct horse 1',
        ...(referralCode ? { referralCode } : {}),
      },
    );
    if (r.status !== 201) throw new Error(`register ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    const person = r.body.person;
    return { personId: person.id, token: r.body.accessToken, referralCode: person.referralCode };
  };
  const bob = await register(a[1]!, 'Bob');
  const alice = await register(a[0]!, 'Alice', bob.referralCode);
  const a2 = await register(a[2]!, 'a2');
  const a3 = await register(a[3]!, 'a3');
  const a15 = await register(a[15]!, 'a15');
  const b0 = await register(b[0]!, 'b0');
  const b5 = await register(b[5]!, 'b5');

  // Live session L with card K at 199.00.
  const product = await post(staff.token, '/api/products', {
    titles: { en: 'Body-fat programme', 'zh-Hans': '体脂计划', 'zh-Hant': '體脂計劃' },
    skus: [{ code: 'BF-1', priceMinor: 19_900, currency: 'CNY', stock: 100 }],
  });
  const session = await post(host.token, '/api/live-sessions', { title: 'Tonight' });
  const sessionId = session.sessionId as string;
  await post(host.token, `/api/live-sessions/${sessionId}/go-live`);
  const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
  const card = await post(host.token, `/api/live-sessions/${sessionId}/cards`, { skuId, quantity: 50 });
  const cardId = card.cardId as string;
  await post(host.token, `/api/live-sessions/${sessionId}/cards/${cardId}/pin`);

  // 8 viewers: the 6 buyers with their channel's link, 2 anonymous (one on C1's link, one on none).
  const invites = new Map<string, string>();
  for (const c of [c1, c2]) {
    const r = await call(node.url, 'GET', `/api/channels/${c}`, { token: staff.token });
    invites.set(c, r.body.inviteCode as string);
  }
  const sockets: Socket[] = [];
  const viewers: Array<[token: string | undefined, ch: string | undefined]> = [
    [alice.token, invites.get(c1)],
    [a2.token, invites.get(c1)],
    [a3.token, invites.get(c1)],
    [a15.token, invites.get(c1)],
    [b0.token, invites.get(c2)],
    [b5.token, invites.get(c2)],
    [undefined, invites.get(c1)],
    [undefined, undefined],
  ];
  for (const [i, [token, ch]] of viewers.entries()) {
    const v = await socketTo(node.url, '/live', token);
    sockets.push(v);
    await ok(v, 'live:join', { sessionId, viewerId: `scenario-viewer-${i}`, ...(ch ? { ch } : {}) });
    v.emit('card:impression', { sessionId, cardId });
    if (i < 7) v.emit('card:click', { sessionId, cardId });
  }

  const order = async (token: string, key: string, quantity = 1) => {
    const r = await call(node.url, 'POST', '/api/orders', {
      token,
      headers: { 'idempotency-key': `scenario-${key}` },
      body: { cardId, quantity, fulfilment: PICKUP },
    });
    if (r.status !== 201) throw new Error(`order ${key}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.orderId as string;
  };
  const pay = (orderId: string) => post(staff.token, `/api/orders/${orderId}/confirm-payment`);
  const paid: Record<string, string> = {};
  for (const [token, key, qty] of [
    [alice.token, 'alice-1', 1],
    [a2.token, 'a2-1', 2],
    [a3.token, 'a3-1', 1],
    [b0.token, 'b0-1', 1],
    [b5.token, 'b5-1', 1],
    [b0.token, 'b0-2', 1],
  ] as const) {
    paid[key] = await order(token, key, qty);
    await pay(paid[key]!);
  }
  await order(a15.token, 'a15-1'); // placed, never paid
  await post(staff.token, `/api/orders/${paid['a3-1']}/refund`);

  await settle(node);
  return {
    staff,
    m1,
    m2,
    member,
    c1,
    c2,
    eventId,
    sessionId,
    cardId,
    a,
    b,
    bob,
    alice,
    sockets,
    repeatedCheckIn: again,
  };
}
