// The bag of a live session: every card that has been pinned at least once (pinned now first), with its
// product photo, live and list prices, units left and units bought, and whether it can be bought now
// under the "open card" rule. A draft card has never been shown, so it never appears here (its price
// may still change before the host shows it).
import { VitaliveError } from '../../protocols/index.ts';
import { imagesOf } from './product-images.ts';
import type { SalesContext } from './sales-context.ts';
import type { CardState, SessionState } from './tables.ts';
import type { ImageUrls, Localised } from './views.ts';

export interface BagItem {
  cardId: string;
  productId: string;
  titles: Localised;
  priceMinor: number;
  listPriceMinor: number;
  currency: string;
  remaining: number;
  bought: number;
  perMemberLimit: number;
  state: CardState;
  pinnedNow: boolean;
  buyable: boolean;
  startsAtMs: number | null;
  endsAtMs: number | null;
  image: ImageUrls | null;
}

export interface Bag {
  sessionId: string;
  sessionState: SessionState;
  items: BagItem[];
}

/** Card states an order may take units from while the session is live (the "open card" rule). */
export const OPEN_CARD_STATES = ['pinned', 'unpinned'] as const;

/** Whether a card of a live session is open for orders at `nowMs` (units are checked by the order). */
export function isOpenCard(
  card: { state: string; starts_at_ms: number | null; ends_at_ms: number | null },
  nowMs: number,
): boolean {
  if (!(OPEN_CARD_STATES as readonly string[]).includes(card.state)) return false;
  if (card.starts_at_ms !== null && nowMs < Number(card.starts_at_ms)) return false;
  return card.ends_at_ms === null || nowMs < Number(card.ends_at_ms);
}

export async function bagOf(ctx: SalesContext, sessionId: string, nowMs = Date.now()): Promise<Bag> {
  const db = ctx.store.db;
  const session = await db
    .selectFrom('live_sessions')
    .select(['id', 'state'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!session) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
  const rows = await db
    .selectFrom('cards')
    .innerJoin('skus', 'skus.id', 'cards.sku_id')
    .selectAll('cards')
    .select(['skus.titles', 'skus.product_id', 'skus.price_minor as list_price_minor'])
    .where('cards.session_id', '=', sessionId)
    // Pinned at least once: a pin sets pinned_at_ms and nothing clears it; a draft has none.
    .where('cards.pinned_at_ms', 'is not', null)
    .where('cards.state', '!=', 'draft')
    .orderBy('cards.pinned_at_ms', 'desc')
    .orderBy('cards.id')
    .execute();
  const images = await imagesOf(db, [...new Set(rows.map((r) => r.product_id))]);
  const live = session.state === 'live';
  const items = rows.map(
    (r): BagItem => ({
      cardId: r.id,
      productId: r.product_id,
      titles: JSON.parse(r.titles) as Localised,
      priceMinor: Number(r.price_minor),
      listPriceMinor: Number(r.list_price_minor),
      currency: r.currency,
      remaining: Number(r.remaining),
      bought: Number(r.allotted) - Number(r.remaining),
      perMemberLimit: Number(r.per_member_limit),
      state: r.state,
      pinnedNow: r.state === 'pinned',
      buyable: live && Number(r.remaining) > 0 && isOpenCard(r, nowMs),
      startsAtMs: r.starts_at_ms === null ? null : Number(r.starts_at_ms),
      endsAtMs: r.ends_at_ms === null ? null : Number(r.ends_at_ms),
      image: images.get(r.product_id)?.[0]?.urls ?? null,
    }),
  );
  // Pinned now first; the rest most recently pinned first (the query's order, kept by a stable sort).
  items.sort((a, b) => Number(b.pinnedNow) - Number(a.pinnedNow));
  return { sessionId, sessionState: session.state, items };
}
