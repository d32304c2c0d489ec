// The figures of the staff stream, read from the rollups: per live session funnel rows, the last 30 UTC
// days per channel with AARRR, the funnels of offline events from a week ago to a week ahead, and a
// version that changes whenever an event consumer has applied something, and the newest orders. Reads use the store's
// background connections, so a burst of requests cannot starve the stream.
import type { Kysely } from 'kysely';
import { type RecentOrder, recentOrders } from '../orders/order-feed.ts';
import { countOrphanedPayments } from '../orders/orders.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { DAY_MS, dayOf } from './counters.ts';
import { type FunnelRow, readLiveFunnel } from './live-funnel.ts';
import {
  type Aarrr,
  aarrr,
  type ChannelFunnel,
  channelFunnels,
  type EventFunnel,
  eventFunnel,
  type Period,
} from './queries.ts';

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

export class Dashboard {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  get #db(): Kysely<Database> {
    return this.#store.background;
  }

  /** Live-funnel rows (per session and channel) of these sessions. */
  liveFunnel(sessionIds: string[]): Promise<FunnelRow[]> {
    return readLiveFunnel(this.#db, sessionIds);
  }

  /** The newest orders (at most `limit`); `channels` (a channel manager's) keeps their buyers' only. */
  recentOrders(
    channels: ReadonlySet<string> | undefined,
    limit = 20,
    nowMs = Date.now(),
  ): Promise<RecentOrder[]> {
    return recentOrders(this.#db, channels ? [...channels] : undefined, { limit, nowMs });
  }

  /** Verified payments recorded as orphaned and not yet refunded. */
  orphanedPayments(): Promise<number> {
    return countOrphanedPayments(this.#db);
  }

  /**
   * Changes whenever an event consumer has applied something (the rollups and the ledger are written in
   * the same transaction as the consumer's position) or the UTC day turns.
   */
  async rollupsVersion(nowMs = Date.now()): Promise<string> {
    const rows = await this.#db
      .selectFrom('consumer_positions')
      .select(['consumer', 'position'])
      .orderBy('consumer')
      .execute();
    return `${dayOf(nowMs)}|${rows.map((r) => `${r.consumer}:${r.position}`).join(',')}`;
  }

  /** The conversion figures; `channels` (a channel manager's) keeps only those channels' rows. */
  async conversion(
    channels: ReadonlySet<string> | undefined,
    nowMs = Date.now(),
  ): Promise<ConversionFigures> {
    const db = this.#db;
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
    const events =
      scope?.length === 0 ? [] : await q.orderBy('starts_at_ms').orderBy('id').limit(50).execute();
    return {
      period,
      channels: await channelFunnels(db, period, scope),
      events: await Promise.all(events.map((e) => eventFunnel(db, e.id, scope))),
      aarrr: await aarrr(db, period, scope),
    };
  }
}
