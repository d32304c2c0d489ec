// Synthetic conversion traffic for bench:metrics and the rollup batch tests: a deterministic stream of
// viewer and outbox events over the world commerce's fixtures seed (people p<i>, channels c<i>, sessions
// s<i>, events e<i>), spread over 90 days in random time order (so any prefix touches every day, channel
// and session).
import type { Synthetic, World } from '../../gateway/index.ts';

export type { Synthetic, World };

export const DAY_MS = 86_400_000;
export const SPAN_DAYS = 90;

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Cumulative weights of the event mix (sum 1). */
const MIX: Array<[string, number]> = [
  ['live.join', 0.2],
  ['card.impression', 0.3],
  ['card.click', 0.1],
  ['live.leave', 0.17],
  ['reading.recorded', 0.05],
  ['order.placed', 0.06],
  ['order.paid', 0.05],
  ['order.refunded', 0.005],
  ['person.invited', 0.025],
  ['offline_event.invitee_added', 0.015],
  ['offline_event.checked_in', 0.01],
  ['person.registered', 0.015],
];

/** The n-th..(n+count)-th events of the stream (deterministic per seed). */
export function* events(world: World, count: number, seed = 42): Generator<Synthetic> {
  const rnd = prng(seed);
  const pick = <T>(n: number, f: (i: number) => T) => f(Math.floor(rnd() * n));
  let orders = 0;
  for (let n = 0; n < count; n++) {
    const atMs = world.t0 + Math.floor(rnd() * SPAN_DAYS * DAY_MS);
    const person = pick(world.people, (i) => i);
    const channel = person % world.channels;
    const session = pick(world.sessions, (i) => `s${i}`);
    let r = rnd();
    let type = MIX[MIX.length - 1]![0];
    for (const [t, w] of MIX) {
      if (r < w) {
        type = t;
        break;
      }
      r -= w;
    }
    if (type.startsWith('live.') || type.startsWith('card.')) {
      const known = rnd() < 0.5;
      yield {
        kind: 'viewer',
        type: type as 'live.join',
        sessionId: session,
        viewerId: `v${person}`,
        personId: known ? `p${person}` : null,
        chCode: rnd() < 0.7 ? world.inviteCodes[channel]! : null,
        cardId: `k-${session}`,
        atMs,
      };
      continue;
    }
    const personId = `p${person}`;
    const event = `e${pick(20, (i) => i)}`;
    const payload: Record<string, unknown> = { personId };
    let sessionId: string | null = null;
    switch (type) {
      case 'reading.recorded':
        Object.assign(payload, {
          readingId: n,
          deviceId: 'd1',
          eventId: rnd() < 0.5 ? event : null,
          measuredAtMs: atMs,
        });
        break;
      case 'order.placed':
      case 'order.paid':
        sessionId = session;
        Object.assign(payload, {
          orderId: `o${orders++}`,
          totalMinor: 5_000 + Math.floor(rnd() * 40) * 500,
          currency: 'CNY',
        });
        break;
      case 'order.refunded':
        sessionId = session;
        Object.assign(payload, {
          orderId: `o${Math.floor(rnd() * Math.max(orders, 1))}`,
          totalMinor: 10_000,
          currency: 'CNY',
        });
        break;
      case 'person.invited':
        Object.assign(payload, { channelId: `c${channel}`, outcome: 'created' });
        break;
      case 'offline_event.invitee_added':
        Object.assign(payload, { channelId: `c${channel}`, eventId: event });
        break;
      case 'offline_event.checked_in':
        Object.assign(payload, { eventId: event, via: 'check_in' });
        break;
      case 'person.registered':
        Object.assign(payload, {
          wasProspect: rnd() < 0.5,
          channelId: `c${channel}`,
          referredBy: rnd() < 0.3 ? `p${(person * 7) % world.people}` : null,
        });
        break;
    }
    yield { kind: 'outbox', type, sessionId, payload, atMs };
  }
}
