// The same dashboard figures computed the slow way, by scanning raw events on every request: the
// outbox rows of the period (joined to people for the channel) and a session's viewer events.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../commerce/index.ts';

async function scan(db: Kysely<Database>, fromMs: number, toMs: number, types: string[]) {
  const [events, people] = await Promise.all([
    db
      .selectFrom('outbox')
      .select(['type', 'payload', 'created_at_ms'])
      .where('created_at_ms', '>=', fromMs)
      .where('created_at_ms', '<', toMs)
      .where('type', 'in', types)
      .execute(),
    db.selectFrom('people').select(['id', 'channel_id']).execute(),
  ]);
  const channelOf = new Map(people.map((p) => [p.id, p.channel_id ?? '']));
  return {
    events: events.map((e) => ({
      type: e.type,
      p: JSON.parse(e.payload) as Record<string, string | number>,
    })),
    channelOf,
  };
}

/** Per channel invited / attended / tested / bought / GMV from raw events. */
export async function rawChannelFunnel(db: Kysely<Database>, fromMs: number, toMs: number) {
  const { events, channelOf } = await scan(db, fromMs, toMs, [
    'person.invited',
    'offline_event.checked_in',
    'reading.recorded',
    'order.paid',
    'order.refunded',
  ]);
  const out = new Map<
    string,
    { invited: Set<string>; attended: Set<string>; tested: Set<string>; bought: Set<string>; gmv: number }
  >();
  for (const { type, p } of events) {
    const person = String(p.personId);
    const ch = channelOf.get(person) ?? '';
    const row = out.get(ch) ?? {
      invited: new Set<string>(),
      attended: new Set<string>(),
      tested: new Set<string>(),
      bought: new Set<string>(),
      gmv: 0,
    };
    out.set(ch, row);
    if (type === 'person.invited') row.invited.add(person);
    else if (type === 'offline_event.checked_in') row.attended.add(person);
    else if (type === 'reading.recorded') row.tested.add(person);
    else if (type === 'order.paid') {
      row.bought.add(person);
      row.gmv += Number(p.totalMinor);
    } else row.gmv -= Number(p.totalMinor);
  }
  return out.size;
}

/** One live session's funnel from its raw viewer events and order events. */
export async function rawSessionFunnel(db: Kysely<Database>, sessionId: string) {
  const viewers = await db
    .selectFrom('viewer_events')
    .select(['type', sql<number>`count(*)`.as('n'), sql<number>`count(distinct viewer_id)`.as('u')])
    .where('session_id', '=', sessionId)
    .groupBy('type')
    .execute();
  const orders = await db
    .selectFrom('outbox')
    .select(['type', 'payload'])
    .where('session_id', '=', sessionId)
    .where('type', 'in', ['order.placed', 'order.paid', 'order.refunded'])
    .execute();
  let gmv = 0;
  for (const o of orders) if (o.type === 'order.paid') gmv += Number(JSON.parse(o.payload).totalMinor);
  return viewers.length + gmv;
}

/** AARRR from raw events of the period. */
export async function rawAarrr(db: Kysely<Database>, fromMs: number, toMs: number) {
  const { events } = await scan(db, fromMs, toMs, [
    'person.registered',
    'reading.recorded',
    'order.paid',
    'order.refunded',
  ]);
  const signups = events.filter((e) => e.type === 'person.registered');
  const buyers = new Map<string, number>();
  let gmv = 0;
  const activated = new Set<string>();
  for (const { type, p } of events) {
    if (type === 'order.paid') {
      buyers.set(String(p.personId), (buyers.get(String(p.personId)) ?? 0) + 1);
      gmv += Number(p.totalMinor);
      activated.add(String(p.personId));
    } else if (type === 'order.refunded') gmv -= Number(p.totalMinor);
    else if (type === 'reading.recorded') activated.add(String(p.personId));
  }
  const repeat = [...buyers.values()].filter((n) => n > 1).length;
  return signups.length + activated.size + repeat + gmv;
}
