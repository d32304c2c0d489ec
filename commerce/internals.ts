// Every name inside commerce that its own tests reach: services, free functions over the store, the
// schema type and the outbox. Not an API: the architecture test lets only tests/ import this module;
// other rooms use commerce/index.ts.

export {
  applyBatch,
  type EventBus,
  type EventBusHealth,
  type EventConsumer,
  LocalEventBus,
  type LocalEventBusOptions,
  RedisEventBus,
  type RedisEventBusOptions,
} from './events/index.ts';
export { Fixtures } from './fixtures/fixtures.ts';
export {
  FOLLOW_UP_CONSUMER,
  type FollowUpDetail,
  type FollowUpFilter,
  type FollowUpRow,
  FollowUps,
  followUpConsumer,
  type ProductTrial,
  type TrialAggregate,
} from './followups/index.ts';
export * from './index.ts';
// Knowledge base: the service and its tokenizer (the evaluation set checks both)
export { Knowledge } from './knowledge/index.ts';
export { minimumMatch } from './knowledge/search.ts';
export { fold, indexTerms, queryTerms } from './knowledge/tokens.ts';
// Ledger (referral credit, channel commission, payouts)
export {
  type Balance,
  type Credit,
  type CreditSummary,
  DEFAULT_LEDGER_RULES,
  LEDGER_CONSUMER,
  Ledger,
  type LedgerAccountKind,
  type LedgerEntry,
  type LedgerRule,
  type LedgerRules,
  type LedgerStatus,
  LedgerSweeper,
  type LedgerSweeperOptions,
  ledgerConsumer,
  PAYOUT_COLUMNS,
  type PayoutQuery,
  type PayoutRow,
  type PayoutRun,
  type PayoutRunTotal,
  releaseDue,
  STATEMENT_COLUMNS,
  type StatementRow,
  shareOf,
} from './ledger/index.ts';
export { DeliveryWorker } from './messaging/delivery-worker.ts';
export {
  type ChannelSender,
  DEFAULT_DELIVERY,
  DEFAULT_SCHEDULER,
  type Delivery,
  type DeliveryChannel,
  type MessageKind,
  Messaging,
  type MessagingOptions,
  type Messenger,
  type OutgoingMessage,
  silentMessenger,
  unsubscribeToken,
} from './messaging/index.ts';
export { render } from './messaging/kinds.ts';
export { OauthStates, STATE_TTL_MS } from './messaging/oauth-state.ts';
export { chooseChannel, quietUntil, retryDelayMs } from './messaging/policy.ts';
export { enqueue } from './messaging/queue.ts';
export { JobRunner } from './messaging/scheduler.ts';
export { jobHandlers, messagingConsumer } from './messaging/triggers.ts';
export {
  countOrphanedPayments,
  type Fulfilment,
  type GateVerdict,
  LocalStockGate,
  manualProvider,
  type Order,
  type OrderCounters,
  type OrderCredit,
  type OrderStatus,
  Orders,
  type OrdersOptions,
  type OrphanedPayment,
  type OrphanReason,
  type PaymentProvider,
  type PlaceOrderInput,
  type PlaceOrderReply,
  type ProviderName,
  RedisStockGate,
  type StockGate,
  Sweeper,
  type SweeperOptions,
  signWebhook,
  type WebhookProvider,
  type WebhookProviderOptions,
  webhookProvider,
} from './orders/index.ts';
export {
  appendEvent,
  currentSessionSeq,
  type DomainEvent,
  type DomainEventType,
  type NewDomainEvent,
  readEvents,
} from './outbox.ts';
export type { ChannelChange } from './people/channel-assignment.ts';
export type { Channel, ChannelPatch, NewChannel } from './people/channels.ts';
export {
  CODE_ALPHABET,
  type CodeSource,
  INVITE_CODE_LENGTH,
  isCode,
  MEMBER_CODE_LENGTH,
  normaliseCode,
  REFERRAL_CODE_LENGTH,
  randomCode,
} from './people/codes.ts';
export { normaliseEmail, normalisePhone } from './people/contact.ts';
export type { LoginResult } from './people/credentials.ts';
export type {
  Invitation,
  InvitationInput,
  InvitationOutcome,
  InvitationResult,
} from './people/invitations.ts';
export {
  channelIdByCode,
  channelIdOfPerson,
  channelIdsByCodes,
  channelIdsManagedBy,
  channelIdsOfPeople,
  type HealthDataConsent,
  healthDataConsent,
  type PersonAccess,
  personAccess,
  personIdByMemberCode,
} from './people/lookups.ts';
export { People, type PeopleOptions } from './people/people.ts';
export type { Actor, Consents, Person, PersonKind } from './people/person-model.ts';
export type { SelfUpdate, StaffUpdate } from './people/person-records.ts';
export type { PeopleQuery } from './people/person-search.ts';
export type { IssuedRefreshToken } from './people/refresh-tokens.ts';
export type { RegistrationInput, StaffAccountInput } from './people/registration.ts';
export type { IssuedResetCode } from './people/reset-codes.ts';
// Readings (device readings history, edge tokens)
export {
  type EdgeTokenInfo,
  EdgeTokens,
  type IngestReading,
  Readings,
  type StoredReading,
} from './readings/index.ts';
export { isRole, ROLES, type Role, STAFF_ROLES } from './roles.ts';
export { peopleChannelResolver } from './rollups/channel-resolver.ts';
export {
  type ConversionFigures,
  Dashboard,
} from './rollups/dashboard.ts';
export {
  type Aarrr,
  aarrr,
  applyViewerEvents,
  type CardRecommendation,
  type ChannelFunnel,
  type ChannelResolver,
  type ConversionRollupOptions,
  channelFunnels,
  channelSeries,
  checkGoalRule,
  conversionRollupConsumer,
  DAY_MS,
  dayOf,
  type EventFunnel,
  eventFunnel,
  type FollowUp,
  type FunnelRow,
  followUps,
  GOAL_MAX_LENGTH,
  GOAL_RULES_MAX,
  type GoalRule,
  type GoalRulePatch,
  GoalRules,
  liveFunnelConsumer,
  Metrics,
  type NewGoalRule,
  type Period,
  type ReferrerFigures,
  readLiveFunnel,
  readSessionPresence,
  recommendCards,
  referrerFigures,
  type SessionFunnel,
  type SessionPresence,
} from './rollups/index.ts';
export {
  type CardState,
  type CardView,
  Catalog,
  LiveSales,
  type LiveSalesOptions,
  type LiveSession,
  LOCALES,
  type Locale,
  type Localised,
  type MetricRange,
  type NewCard,
  type NewProduct,
  type NewSession,
  type NewSku,
  type Product,
  type ProductChanges,
  type SessionSnapshot,
  type SessionState,
  type Sku,
} from './sales/index.ts';
export type { Database, ViewerEventType } from './schema.ts';
export { Store, type StoreDialect, type StoreHealth, type StoreOptions } from './store.ts';
export { asStore } from './store-handle.ts';
export {
  assertCanActForChannel,
  assertCanSeeEvent,
  type CheckIn,
  type EventInvitee,
  type NewOfflineEvent,
  type OfflineEvent,
  OfflineEvents,
} from './venues/index.ts';
export {
  linkViewer,
  personOfViewer,
  type ViewerEvent,
  ViewerEventLog,
  type ViewerEventLogOptions,
} from './viewers/index.ts';
export { Viewers } from './viewers/viewers.ts';
