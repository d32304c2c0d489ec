import type { Generated } from 'kysely';

// Table types for Kysely. Grows with each migration in commerce/migrations/.

/** Bookkeeping row written by the first migration; lets health checks prove a real round trip. */
export interface StoreMetaTable {
  key: string;
  value: string;
}

export interface OutboxTable {
  id: Generated<number>;
  type: string;
  aggregate_id: string;
  session_id: string | null;
  session_seq: number | null;
  /** JSON text */
  payload: string;
  created_at_ms: number;
}

export interface SessionSequencesTable {
  session_id: string;
  last_seq: number;
}

export interface ConsumerPositionsTable {
  consumer: string;
  position: number;
  updated_at_ms: number;
}

export type ViewerEventType = 'live.join' | 'live.leave' | 'card.impression' | 'card.click';

export interface ViewerEventsTable {
  id: Generated<number>;
  session_id: string;
  type: ViewerEventType;
  viewer_id: string;
  person_id: string | null;
  ref_code: string | null;
  ch_code: string | null;
  card_id: string | null;
  node_id: string;
  at_ms: number;
}

export interface ViewerLinksTable {
  viewer_id: string;
  person_id: string;
  linked_at_ms: number;
}

export interface LiveFunnelTable {
  session_id: string;
  channel_id: string;
  unique_viewers: Generated<number>;
  clickers: Generated<number>;
  clicks: Generated<number>;
  buyers: Generated<number>;
  orders_placed: Generated<number>;
  orders_paid: Generated<number>;
  paid_gmv_minor: Generated<number>;
  currency: string | null;
  updated_at_ms: number;
}

export interface LiveFunnelKeysTable {
  session_id: string;
  stage: 'join' | 'click' | 'buy';
  actor: string;
}

export interface Database {
  store_meta: StoreMetaTable;
  outbox: OutboxTable;
  session_sequences: SessionSequencesTable;
  consumer_positions: ConsumerPositionsTable;
  viewer_events: ViewerEventsTable;
  viewer_links: ViewerLinksTable;
  live_funnel: LiveFunnelTable;
  live_funnel_keys: LiveFunnelKeysTable;
}
