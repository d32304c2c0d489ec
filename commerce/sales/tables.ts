// Row types of the catalog and live-sales tables (migrations 0004-sales, 0021-public-lineup).
import type { Generated } from 'kysely';

export interface ProductsTable {
  id: string;
  titles: string;
  descriptions: string;
  tags: string;
  metrics: string;
  created_at_ms: number;
  updated_at_ms: number;
}

/** A product photo (migration 0028): files <hash>-<width>.webp kept by the gateway. */
export interface ProductImagesTable {
  id: string;
  product_id: string;
  hash: string;
  width: number;
  height: number;
  position: number;
  created_at_ms: number;
}

export interface SkusTable {
  id: string;
  product_id: string;
  code: string;
  titles: string;
  price_minor: number;
  currency: string;
  stock_on_hand: number;
  created_at_ms: number;
}

export type SessionState = 'scheduled' | 'live' | 'ended';

export interface LiveSessionsTable {
  id: string;
  host_person_id: string;
  title: string;
  state: SessionState;
  scheduled_at_ms: number | null;
  started_at_ms: number | null;
  ended_at_ms: number | null;
  created_at_ms: number;
  /** 1: the line-up is public (migration 0021). */
  lineup_public: Generated<number>;
}

export type CardState = 'draft' | 'pinned' | 'unpinned' | 'sold_out' | 'expired';

export interface CardsTable {
  id: string;
  session_id: string;
  sku_id: string;
  price_minor: number;
  currency: string;
  allotted: number;
  remaining: number;
  per_member_limit: number;
  starts_at_ms: number | null;
  ends_at_ms: number | null;
  state: CardState;
  pinned_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

/** Live chat kept for replays (migration 0038). */
export interface LiveChatTable {
  id: string;
  session_id: string;
  viewer_id: string;
  name: string;
  text: string;
  at_ms: number;
  /** 0 shown, 1 deleted by the host, 2 its author was muted. */
  removed: Generated<number>;
}
