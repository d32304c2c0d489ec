// Public API of the commerce room: createCommerce() builds its services over a store opened with
// openStore(); the rest are the types callers hold and the adapters' ports. No tables, no database.

export {
  ALERT_AUDIENCES,
  ALERT_COMPARISONS,
  ALERT_SEVERITIES,
  type AlertRule,
  type AlertRules,
  type NewAlertRule,
} from './alerts/index.ts';
export {
  type Commerce,
  type CommerceConsumers,
  type CommerceOptions,
  createCommerce,
  type SalesOptions,
} from './commerce.ts';
export type { EventBus, EventBusHealth, EventConsumer } from './events/index.ts';
export {
  type Clinic,
  type ClinicInput,
  type Clinics,
  CONSULTATION_STATUSES,
  type Consultation,
  type ConsultationNotesInput,
  type ConsultationNotice,
  type ConsultationNotifier,
  type ConsultationRecords,
  type Consultations,
  type ConsultationVideo,
  type ConsultationView,
  type ExpertProfile,
  type ExpertProfileInput,
  type Experts,
  MAX_RECOMMENDED,
  MAX_SLOT_RANGE_MS,
  type PersonTimeline,
  type RecommendedProduct,
  type SlotView,
  type VideoSeat,
  type VideoSide,
} from './experts/index.ts';
export type { FollowUpWorld, Synthetic, World } from './fixtures/fixtures.ts';
export type {
  FollowUpDetail,
  FollowUpFilter,
  FollowUpRow,
  FollowUps,
  ProductTrial,
  TrialAggregate,
} from './followups/index.ts';
export type {
  Article,
  ArticleDocument,
  ArticleInput,
  ArticleVersion,
  Knowledge,
  SearchHit,
  SearchOptions,
} from './knowledge/index.ts';
export {
  type CreditSummary,
  type Ledger,
  type LedgerRules,
  PAYOUT_COLUMNS,
  type PayoutRun,
  type PayoutRunTotal,
  STATEMENT_COLUMNS,
  type StatementRow,
} from './ledger/index.ts';
export type {
  ChannelSender,
  ChannelSenders,
  Delivery,
  DeliveryChannel,
  DeliveryOptions,
  JobHandler,
  JobPayload,
  KindFigures,
  LoggedMessage,
  MessageStatus,
  Messaging,
  MessagingOptions,
  MessagingProfile,
  Messenger,
  OutgoingMessage,
  Scheduler,
  SchedulerOptions,
} from './messaging/index.ts';
export {
  CHANNELS as DELIVERY_CHANNELS,
  DEFAULT_DELIVERY,
  DEFAULT_SCHEDULER,
  KINDS as MESSAGE_KINDS,
} from './messaging/index.ts';
export {
  type MyOrder,
  manualProvider,
  type OrderCounters,
  type Orders,
  type PaymentProvider,
  type PlaceOrderInput,
  type PlaceOrderReply,
  type WebhookProvider,
  webhookProvider,
} from './orders/index.ts';
export type { RecentOrder } from './orders/order-feed.ts';
export type { DomainEvent } from './outbox.ts';
export type { LoginResult } from './people/credentials.ts';
export type { PersonAccess } from './people/lookups.ts';
export type { People, PeopleOptions } from './people/people.ts';
export type { Actor, Person } from './people/person-model.ts';
export type { EdgeTokens, Readings } from './readings/index.ts';
export { isRole, ROLES, type Role } from './roles.ts';
export type { ConversionFigures, Dashboard } from './rollups/dashboard.ts';
export {
  type Aarrr,
  type ChannelFunnel,
  DAY_MS,
  type EventFunnel,
  type FunnelRow,
  type GmvBucket,
  type GmvSeries,
  GOAL_MAX_LENGTH,
  type GoalRules,
  type Metrics,
  type Period,
} from './rollups/index.ts';
export type {
  Bag,
  BagItem,
  CardMoment,
  ChatLog,
  ChatLogEntry,
  ImageUrls,
  LineupItem,
  LiveSales,
  ProductImage,
  ProductImages,
  ReplayChatMessage,
  StoredImage,
  UpcomingLive,
} from './sales/index.ts';
export type { StoreDialect, StoreHealth, StoreOptions } from './store.ts';
export { type CommerceStore, openStore } from './store-handle.ts';
export type { OfflineEvents } from './venues/index.ts';
export type { Viewers } from './viewers/viewers.ts';
