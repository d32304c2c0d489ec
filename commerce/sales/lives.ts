// What the public sees of lives to come: sessions scheduled in the next days and those live now, with
// their host's display name and, only where staff made it public, the line-up at list price. A card's
// live price and units stay private (a draft card is a sale not yet announced), so they are never read.
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import { isStaff, type SalesContext, sessionRow } from './sales-context.ts';
import type { SessionState } from './tables.ts';
import { type LiveSession, type Localised, sessionView } from './views.ts';

/** A product shown in a public line-up: its SKU's name and list price, never the card's terms. */
export interface LineupItem {
  skuId: string;
  titles: Localised;
  listPriceMinor: number;
  currency: string;
}

export interface UpcomingLive {
  sessionId: string;
  title: string;
  hostName: string;
  state: SessionState;
  scheduledAtMs: number | null;
  startedAtMs: number | null;
  /** Null when the line-up is private; otherwise its products in the order they were put on cards. */
  lineup: LineupItem[] | null;
}

/** How far ahead the public list looks. @default 14 days */
export const UPCOMING_HORIZON_MS = 14 * 24 * 3_600_000;
/**
 * A session whose start time has passed but which has not gone live yet (a host running late) stays
 * listed this long, so the page does not drop it minutes before it starts.
 */
export const LATE_START_GRACE_MS = 2 * 3_600_000;
/** Bounds the public list and one line-up, whatever staff schedule. */
export const MAX_UPCOMING = 100;
export const MAX_LINEUP = 20;

function baseQuery(ctx: SalesContext) {
  return ctx.store.db
    .selectFrom('live_sessions')
    .innerJoin('people', 'people.id', 'live_sessions.host_person_id')
    .select([
      'live_sessions.id',
      'live_sessions.title',
      'live_sessions.state',
      'live_sessions.scheduled_at_ms',
      'live_sessions.started_at_ms',
      'live_sessions.lineup_public',
      'people.display_name',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

async function lineups(ctx: SalesContext, sessionIds: string[]): Promise<Map<string, LineupItem[]>> {
  const out = new Map<string, LineupItem[]>();
  if (sessionIds.length === 0) return out;
  // Only SKU columns and the card's order: the card's price, units and state are not selected at all.
  const rows = await ctx.store.db
    .selectFrom('cards')
    .innerJoin('skus', 'skus.id', 'cards.sku_id')
    .select([
      'cards.session_id',
      'cards.created_at_ms',
      'cards.id',
      'skus.id as sku_id',
      'skus.titles',
      'skus.price_minor',
      'skus.currency',
    ])
    .where('cards.session_id', 'in', sessionIds)
    .orderBy('cards.session_id')
    .orderBy('cards.created_at_ms')
    .orderBy('cards.id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.session_id) ?? [];
    // One entry per product, however many cards sell it.
    if (list.length < MAX_LINEUP && !list.some((i) => i.skuId === r.sku_id)) {
      list.push({
        skuId: r.sku_id,
        titles: JSON.parse(r.titles) as Localised,
        listPriceMinor: Number(r.price_minor),
        currency: r.currency,
      });
    }
    out.set(r.session_id, list);
  }
  return out;
}

async function toUpcoming(ctx: SalesContext, rows: Row[]): Promise<UpcomingLive[]> {
  const open = rows.filter((r) => Number(r.lineup_public) === 1).map((r) => r.id);
  const items = await lineups(ctx, open);
  return rows.map((r) => ({
    sessionId: r.id,
    title: r.title,
    hostName: r.display_name,
    state: r.state,
    scheduledAtMs: r.scheduled_at_ms === null ? null : Number(r.scheduled_at_ms),
    startedAtMs: r.started_at_ms === null ? null : Number(r.started_at_ms),
    lineup: Number(r.lineup_public) === 1 ? (items.get(r.id) ?? []) : null,
  }));
}

/** Live sessions first (longest running first), then scheduled ones by start time. */
export async function upcomingLives(ctx: SalesContext, nowMs: number): Promise<UpcomingLive[]> {
  const rows = await baseQuery(ctx)
    .where((eb) =>
      eb.or([
        eb('live_sessions.state', '=', 'live'),
        eb.and([
          eb('live_sessions.state', '=', 'scheduled'),
          eb('live_sessions.scheduled_at_ms', '>=', nowMs - LATE_START_GRACE_MS),
          eb('live_sessions.scheduled_at_ms', '<=', nowMs + UPCOMING_HORIZON_MS),
        ]),
      ]),
    )
    .orderBy('live_sessions.state')
    .orderBy('live_sessions.started_at_ms')
    .orderBy('live_sessions.scheduled_at_ms')
    .orderBy('live_sessions.id')
    .limit(MAX_UPCOMING)
    .execute();
  return toUpcoming(ctx, rows);
}

/** One session as the public sees it (any state: a share link may be opened after the live). */
export async function publicLive(ctx: SalesContext, sessionId: string): Promise<UpcomingLive | undefined> {
  const rows = await baseQuery(ctx).where('live_sessions.id', '=', sessionId).execute();
  return rows.length ? (await toUpcoming(ctx, rows))[0] : undefined;
}

/** Staff show or hide a session's line-up; writes `session.updated` so open consoles follow. */
export async function setLineupPublic(
  ctx: SalesContext,
  actor: Actor,
  sessionId: string,
  isPublic: boolean,
): Promise<LiveSession> {
  if (!isStaff(actor))
    throw new VitaliveError('FORBIDDEN', { reason: 'only staff decide whether a line-up is public' });
  return ctx.write(async (trx) => {
    const row = await sessionRow(trx, sessionId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
    const value = isPublic ? 1 : 0;
    if (Number(row.lineup_public) === value) return sessionView(row);
    await trx
      .updateTable('live_sessions')
      .set({ lineup_public: value })
      .where('id', '=', sessionId)
      .execute();
    const next = { ...row, lineup_public: value };
    await appendEvent(trx, {
      type: 'session.updated',
      aggregateId: sessionId,
      sessionId,
      payload: { session: sessionView(next) },
    });
    return sessionView(next);
  });
}
