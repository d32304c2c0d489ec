import type { Generated } from 'kysely';
import type {
  AlertRulesTable,
  ClinicStaffTable,
  ClinicsTable,
  ConsultationNotesTable,
  ConsultationsTable,
  ExpertProfilesTable,
  ReadingAlertsTable,
} from './experts/tables.ts';
import type {
  FollowUpHistoryTable,
  FollowUpMilestonesTable,
  FollowUpNotesTable,
  FollowUpsTable,
  FollowUpTasksTable,
} from './followups/tables.ts';
import type {
  KnowledgeArticlesTable,
  KnowledgeTagsTable,
  KnowledgeTermsTable,
  KnowledgeVersionsTable,
} from './knowledge/tables.ts';
import type { LedgerEntriesTable, PayoutRunsTable } from './ledger/tables.ts';
import type {
  HostFollowsTable,
  JobsTable,
  LiveRemindersTable,
  MessagesTable,
  OauthStatesTable,
  ReminderCodesTable,
} from './messaging/tables.ts';
import type {
  CardHoldingsTable,
  IdempotencyKeysTable,
  OrdersTable,
  PaymentEventsTable,
} from './orders/tables.ts';
import type { EdgeTokensTable, ReadingsAccessLogTable, ReadingsTable } from './readings/tables.ts';
import type {
  ChannelDailyTable,
  EventFunnelTable,
  LivePresenceTable,
  LiveSessionStatsTable,
  OrderFactsTable,
  PersonMilestonesTable,
  RecommendationGoalsTable,
  ReferrerDailyTable,
  RollupKeysTable,
} from './rollups/tables.ts';
import type {
  CardsTable,
  LiveChatTable,
  LiveSessionsTable,
  ProductImagesTable,
  ProductsTable,
  SkusTable,
} from './sales/tables.ts';
import type {
  EventAttendanceTable,
  EventInviteesTable,
  OfflineEventChannelsTable,
  OfflineEventsTable,
} from './venues/tables.ts';

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

/** PostgreSQL only: committed or in-flight events that have no outbox position yet (migration 0016). */
export interface OutboxPendingTable {
  pending_id: Generated<number>;
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
  // 0011
  impressions: Generated<number>;
  orders_refunded: Generated<number>;
  refunded_gmv_minor: Generated<number>;
}

export interface LiveFunnelKeysTable {
  session_id: string;
  stage: 'join' | 'click' | 'buy';
  actor: string;
}

/** A person: a `prospect` (invited, no login yet) or a `member` (registered). 0/1 integers are flags. */
export interface PeopleTable {
  id: string;
  kind: 'prospect' | 'member';
  member_code: string;
  referral_code: string;
  display_name: string;
  /** Lower-cased. */
  email: string | null;
  /** '+' and 8-15 digits. */
  phone: string | null;
  tier: string;
  referred_by: string | null;
  channel_id: string | null;
  consent_marketing: number;
  consent_marketing_at_ms: number | null;
  consent_health_data: number;
  consent_health_data_at_ms: number | null;
  /** scrypt$log2N$r$p$salt$hash; null for prospects. */
  password_hash: string | null;
  must_change_password: number;
  registered_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
  /** When a one-time code proved the contact (or staff vouched for it); null: unproven. */
  email_proven_at_ms?: number | null;
  phone_proven_at_ms?: number | null;
  /** The language messages reach the person in (en, zh-Hans, zh-Hant); null: not known yet. */
  locale?: string | null;
  /** 0019: IANA time zone; null reads as Asia/Shanghai. */
  time_zone?: string | null;
  /** 0019: 'email' | 'sms' | 'wechat'; null: whatever contact exists. */
  preferred_channel?: string | null;
  /** 0019: the official account's openid, bound by web authorisation. */
  wechat_openid?: string | null;
  /** 0019: the person answered an SMS with TD/STOP. */
  sms_opted_out_at_ms?: number | null;
  /** 0029: 1 while a channel manager's invitation waits for the person to act (hidden from managers). */
  channel_pending?: number;
}

/** 0029: outbox events of an invitation held back until the invited person acts. */
export interface WithheldEventsTable {
  id: Generated<number>;
  person_id: string;
  type: string;
  aggregate_id: string;
  /** JSON text */
  payload: string;
  created_at_ms: number;
}

export interface PersonRolesTable {
  person_id: string;
  role: string;
  granted_by: string | null;
  granted_at_ms: number;
}

export interface ChannelsTable {
  id: string;
  name: string;
  manager_id: string | null;
  /** Commission in basis points of paid GMV (1 bp = 0.01 %). */
  commission_bps: number;
  invite_code: string;
  archived_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface ChannelInvitationsTable {
  id: string;
  channel_id: string;
  person_id: string;
  invited_by: string;
  /** created | joined | already_in_channel | other_channel */
  outcome: string;
  created_at_ms: number;
}

/** Audit of admin changes to a person's channel. */
export interface PersonChannelChangesTable {
  id: Generated<number>;
  person_id: string;
  from_channel_id: string | null;
  to_channel_id: string | null;
  changed_by: string;
  reason: string;
  changed_at_ms: number;
}

export interface RefreshTokensTable {
  id: string;
  family_id: string;
  person_id: string;
  /** sha256 hex of the opaque token. */
  token_hash: string;
  created_at_ms: number;
  expires_at_ms: number;
  rotated_at_ms: number | null;
  revoked_at_ms: number | null;
}

export interface PasswordResetCodesTable {
  id: string;
  person_id: string;
  code_hash: string;
  issued_by: string | null;
  created_at_ms: number;
  expires_at_ms: number;
  used_at_ms: number | null;
}

/** A one-time code sent to a contact: to finish a registration, or to prove an account's contact. */
export interface ContactCodesTable {
  id: string;
  field: 'email' | 'phone';
  contact: string;
  person_id: string | null;
  registration: string | null;
  registration_id: string | null;
  code_hash: string;
  tries: number;
  created_at_ms: number;
  expires_at_ms: number;
  used_at_ms: number | null;
}

export interface LoginThrottleTable {
  /** 'a:' or 'i:' + a hash of the login or IP, so the table holds no contact data. */
  key: string;
  failures: number;
  window_start_ms: number;
}

export interface Database {
  store_meta: StoreMetaTable;
  outbox: OutboxTable;
  outbox_pending: OutboxPendingTable;
  session_sequences: SessionSequencesTable;
  consumer_positions: ConsumerPositionsTable;
  viewer_events: ViewerEventsTable;
  viewer_links: ViewerLinksTable;
  live_funnel: LiveFunnelTable;
  live_funnel_keys: LiveFunnelKeysTable;
  people: PeopleTable;
  person_roles: PersonRolesTable;
  channels: ChannelsTable;
  channel_invitations: ChannelInvitationsTable;
  person_channel_changes: PersonChannelChangesTable;
  refresh_tokens: RefreshTokensTable;
  password_reset_codes: PasswordResetCodesTable;
  login_throttle: LoginThrottleTable;
  contact_codes: ContactCodesTable;
  products: ProductsTable;
  skus: SkusTable;
  live_sessions: LiveSessionsTable;
  cards: CardsTable;
  // Product photos (0028)
  product_images: ProductImagesTable;
  // Invitations held back from channel managers (0029)
  withheld_events: WithheldEventsTable;
  // Chat kept for replays (0038)
  live_chat: LiveChatTable;
  orders: OrdersTable;
  card_holdings: CardHoldingsTable;
  idempotency_keys: IdempotencyKeysTable;
  payment_events: PaymentEventsTable;
  // Readings (0005)
  readings: ReadingsTable;
  readings_access_log: ReadingsAccessLogTable;
  edge_tokens: EdgeTokensTable;
  // Ledger (0009)
  ledger_entries: LedgerEntriesTable;
  // Offline events (0010)
  offline_events: OfflineEventsTable;
  offline_event_channels: OfflineEventChannelsTable;
  event_invitees: EventInviteesTable;
  event_attendance: EventAttendanceTable;
  // Conversion rollups (0011)
  channel_daily: ChannelDailyTable;
  event_funnel: EventFunnelTable;
  referrer_daily: ReferrerDailyTable;
  person_milestones: PersonMilestonesTable;
  order_facts: OrderFactsTable;
  rollup_keys: RollupKeysTable;
  live_session_stats: LiveSessionStatsTable;
  live_presence: LivePresenceTable;
  // Recommendations (0012, goal rules 0013)
  recommendation_goals: RecommendationGoalsTable;
  // Follow-ups and payout runs (0016)
  follow_ups: FollowUpsTable;
  follow_up_history: FollowUpHistoryTable;
  follow_up_notes: FollowUpNotesTable;
  follow_up_tasks: FollowUpTasksTable;
  follow_up_milestones: FollowUpMilestonesTable;
  payout_runs: PayoutRunsTable;
  // Clinics, experts and consultations (0023), alerts on readings (0024)
  clinics: ClinicsTable;
  clinic_staff: ClinicStaffTable;
  expert_profiles: ExpertProfilesTable;
  consultations: ConsultationsTable;
  consultation_notes: ConsultationNotesTable;
  alert_rules: AlertRulesTable;
  reading_alerts: ReadingAlertsTable;
  // Messages, jobs, live reminders (0019)
  messages: MessagesTable;
  jobs: JobsTable;
  live_reminders: LiveRemindersTable;
  // Delivery receipts, clicks, WeChat authorisation states (0033)
  oauth_states: OauthStatesTable;
  // "Remind me" codes of visitors without an account (0034)
  reminder_codes: ReminderCodesTable;
  // Members following hosts (0037)
  host_follows: HostFollowsTable;
  // Knowledge base (0022)
  knowledge_articles: KnowledgeArticlesTable;
  knowledge_versions: KnowledgeVersionsTable;
  knowledge_tags: KnowledgeTagsTable;
  knowledge_terms: KnowledgeTermsTable;
}
