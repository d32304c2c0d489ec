// Row types of the conversion rollups (migration 0011-rollups). Counters default to 0.
import type { Generated } from 'kysely';

type N = Generated<number>;

export interface ChannelDailyTable {
  channel_id: string;
  day: number;
  new_people: N;
  signups: N;
  referred_signups: N;
  invited: N;
  attended: N;
  tested: N;
  /** First consultation held (0023-experts). */
  consulted: N;
  activated: N;
  bought: N;
  retained30: N;
  retained90: N;
  orders_paid: N;
  refunds: N;
  paid_gmv_minor: N;
  refunded_gmv_minor: N;
  commission_minor: N;
  commission_reversed_minor: N;
}

export interface EventFunnelTable {
  event_id: string;
  channel_id: string;
  invited: N;
  attended: N;
  tested: N;
  /** First consultation held after testing at the event (0023-experts). */
  consulted: N;
  bought: N;
  orders_paid: N;
  refunds: N;
  paid_gmv_minor: N;
  refunded_gmv_minor: N;
  commission_minor: N;
  commission_reversed_minor: N;
}

export interface ReferrerDailyTable {
  referrer_id: string;
  day: number;
  signups: N;
  orders_paid: N;
  refunds: N;
  paid_gmv_minor: N;
  refunded_gmv_minor: N;
}

export interface PersonMilestonesTable {
  person_id: string;
  first_invited_at_ms: number | null;
  first_attended_at_ms: number | null;
  first_tested_at_ms: number | null;
  activated_at_ms: number | null;
  first_paid_at_ms: number | null;
  first_paid_channel_id: string | null;
  retained30: N;
  retained90: N;
  last_test_at_ms: number | null;
  last_test_reading_id: number | null;
  last_test_event_id: string | null;
  last_paid_at_ms: number | null;
}

export interface OrderFactsTable {
  order_id: string;
  person_id: string;
  channel_id: string;
  session_id: string | null;
  referrer_id: string | null;
  event_id: string | null;
  reading_id: number | null;
  tested_at_ms: number | null;
  total_minor: number;
  currency: string | null;
  commission_bps: number;
  commission_minor: number;
  paid_at_ms: number;
  refunded_at_ms: number | null;
}

export interface RollupKeysTable {
  scope: string;
  stage: string;
  actor: string;
}

export interface LiveSessionStatsTable {
  session_id: string;
  viewers_now: N;
  peak_viewers: N;
  peak_at_ms: number | null;
}

export interface LivePresenceTable {
  session_id: string;
  viewer_id: string;
  sockets: number;
}

/** Goal rules (0013): a latest reading of `metric` in [min_value, max_value] names the goal. */
export interface RecommendationGoalsTable {
  id: string;
  metric: string;
  min_value: number;
  max_value: number;
  goal: string;
  enabled: Generated<number>;
  created_at_ms: number;
  updated_at_ms: number;
}
