// The conversion figures of the /staff stream: the last 30 UTC days per channel, AARRR over the same
// days, and the funnels of offline events from a week ago to a week ahead. Read from the rollups, and for
// a channel manager from their own channels' rows only.
import type { Kysely } from 'kysely';
import {
  type Aarrr,
  aarrr,
  type ChannelFunnel,
  channelFunnels,
  DAY_MS,
  type Database,
  dayOf,
  type EventFunnel,
  eventFunnel,
  type Period,
} from '../../../commerce/index.ts';

export interface ConversionFigures {
  period: Period;
  channels: ChannelFunnel[];
  events: EventFunnel[];
  aarrr: Aarrr;
}

/** How far back the stream's period reaches, in UTC days including today. */
const STREAM_DAYS = 30;
/** Offline events starting within this many days of now are on the stream. */
const EVENT_WINDOW_DAYS = 7;

/**
 * Changes whenever an event consumer has applied something (the rollups and the ledger are written in
 * the same transaction as the consumer's position) or the UTC day turns.
 */
export async function rollupsVersion(db: Kysely<Database>, nowMs = Date.now()): Promise<string> {
  const rows = await db
    .selectFrom('consumer_positions')
    .select(['consumer', 'position'])
    .orderBy('consumer')
    .execute();
  return `${dayOf(nowMs)}|${rows.map((r) => `${r.consumer}:${r.position}`).join(',')}`;
}

export async function conversionFigures(
  db: Kysely<Database>,
  channels: ReadonlySet<string> | undefined,
  nowMs = Date.now(),
): Promise<ConversionFigures> {
  const today = dayOf(nowMs);
  // Whole days, so the payload only changes when a figure does.
  const period = { fromMs: today - (STREAM_DAYS - 1) * DAY_MS, toMs: today + DAY_MS };
  const scope = channels ? [...channels] : undefined;
  let q = db
    .selectFrom('offline_events')
    .select('id')
    .where('starts_at_ms', '>=', nowMs - EVENT_WINDOW_DAYS * DAY_MS)
    .where('starts_at_ms', '<=', nowMs + EVENT_WINDOW_DAYS * DAY_MS);
  if (scope)
    q = q.where('id', 'in', (eb) =>
      eb.selectFrom('offline_event_channels').select('event_id').where('channel_id', 'in', scope),
    );
  // A manager taken off their last channel has no events in scope. Not queried: `in ()` is no SQL, and
  // PostgreSQL refuses a NUL placeholder in text, which failed the whole tick and froze their old figures.
  const events = scope?.length === 0 ? [] : await q.orderBy('starts_at_ms').orderBy('id').limit(50).execute();
  return {
    period,
    channels: await channelFunnels(db, period, scope),
    events: await Promise.all(events.map((e) => eventFunnel(db, e.id, scope))),
    aarrr: await aarrr(db, period, scope),
  };
}
