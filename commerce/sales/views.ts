// Public shapes of the catalog and live sales, and the row → view mappings. What viewers and the HTTP
// API see; money in minor units with its ISO currency, times in epoch ms.
import type { Selectable } from 'kysely';
import { IMAGE_WIDTHS, type ImageUrls } from '../../protocols/index.ts';
import type { CardState, CardsTable, LiveSessionsTable, SessionState, SkusTable } from './tables.ts';

export const LOCALES = ['en', 'zh-Hans', 'zh-Hant'] as const;
export type Locale = (typeof LOCALES)[number];
export type Localised = Record<Locale, string>;

export interface MetricRange {
  metric: string;
  min: number;
  max: number;
}

export interface Sku {
  skuId: string;
  productId: string;
  code: string;
  titles: Localised;
  priceMinor: number;
  currency: string;
  stockOnHand: number;
}

export type { ImageUrls } from '../../protocols/index.ts';

/** Where each stored width of a photo is served (the gateway keeps the files, named by content hash). */
export function imageUrls(hash: string): ImageUrls {
  const urls = {} as ImageUrls;
  for (const w of IMAGE_WIDTHS) urls[w] = `/images/${hash}-${w}.webp`;
  return urls;
}

export interface ProductImage {
  imageId: string;
  width: number;
  height: number;
  urls: ImageUrls;
}

export interface Product {
  productId: string;
  titles: Localised;
  descriptions: Localised;
  tags: string[];
  metrics: MetricRange[];
  skus: Sku[];
  images: ProductImage[];
  createdAtMs: number;
}

export interface LiveSession {
  sessionId: string;
  hostPersonId: string;
  title: string;
  state: SessionState;
  scheduledAtMs: number | null;
  startedAtMs: number | null;
  endedAtMs: number | null;
  /** Staff made the line-up (the products of its cards, at list price) public. */
  lineupPublic: boolean;
}

/** A product card as viewers see it; frames and snapshots carry it whole (absolute values). */
export interface CardView {
  cardId: string;
  sessionId: string;
  skuId: string;
  titles: Localised;
  priceMinor: number;
  currency: string;
  allotted: number;
  remaining: number;
  perMemberLimit: number;
  startsAtMs: number | null;
  endsAtMs: number | null;
  state: CardState;
  pinnedAtMs: number | null;
}

export function skuView(row: Selectable<SkusTable>): Sku {
  return {
    skuId: row.id,
    productId: row.product_id,
    code: row.code,
    titles: JSON.parse(row.titles) as Localised,
    priceMinor: Number(row.price_minor),
    currency: row.currency,
    stockOnHand: Number(row.stock_on_hand),
  };
}

export function sessionView(row: Selectable<LiveSessionsTable>): LiveSession {
  return {
    sessionId: row.id,
    hostPersonId: row.host_person_id,
    title: row.title,
    state: row.state,
    scheduledAtMs: row.scheduled_at_ms === null ? null : Number(row.scheduled_at_ms),
    startedAtMs: row.started_at_ms === null ? null : Number(row.started_at_ms),
    endedAtMs: row.ended_at_ms === null ? null : Number(row.ended_at_ms),
    lineupPublic: Number(row.lineup_public) === 1,
  };
}

export function cardView(row: Selectable<CardsTable>, titles: string): CardView {
  return {
    cardId: row.id,
    sessionId: row.session_id,
    skuId: row.sku_id,
    titles: JSON.parse(titles) as Localised,
    priceMinor: Number(row.price_minor),
    currency: row.currency,
    allotted: Number(row.allotted),
    remaining: Number(row.remaining),
    perMemberLimit: Number(row.per_member_limit),
    startsAtMs: row.starts_at_ms === null ? null : Number(row.starts_at_ms),
    endsAtMs: row.ends_at_ms === null ? null : Number(row.ends_at_ms),
    state: row.state,
    pinnedAtMs: row.pinned_at_ms === null ? null : Number(row.pinned_at_ms),
  };
}
