// Builds commerce's services over one store, once per process: the composition roots hand them to routes,
// sockets and event delivery, and nothing outside commerce sees the store's tables. Also the table of
// commerce's own outbox consumers (ledger, conversion rollups, live funnel), which delivery subscribes.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import { AlertRules, alertsConsumer } from './alerts/index.ts';
import type { EventBus, EventConsumer } from './events/consumer.ts';
import { LocalEventBus } from './events/local-bus.ts';
import { RedisEventBus } from './events/redis-bus.ts';
import {
  Clinics,
  type ConsultationNotifier,
  ConsultationRecords,
  Consultations,
  ConsultationVideo,
  Experts,
  outboxConsultationNotifier,
} from './experts/index.ts';
import { Fixtures } from './fixtures/fixtures.ts';
import { FollowUps, followUpConsumer } from './followups/index.ts';
import { Knowledge } from './knowledge/index.ts';
import { Ledger } from './ledger/ledger.ts';
import type { LedgerRules } from './ledger/rules.ts';
import { LedgerSweeper } from './ledger/sweeper.ts';
import {
  DEFAULT_DELIVERY,
  DEFAULT_SCHEDULER,
  Messaging,
  type MessagingOptions,
} from './messaging/messaging.ts';
import { Orders } from './orders/orders.ts';
import type { PaymentProvider, WebhookProvider } from './orders/payments.ts';
import { LocalStockGate, RedisStockGate, type StockGate } from './orders/stock-gate.ts';
import { Sweeper } from './orders/sweeper.ts';
import type { ProviderName } from './orders/tables.ts';
import { channelIdsManagedBy, type PersonAccess, personAccess } from './people/lookups.ts';
import { People, type PeopleOptions } from './people/people.ts';
import { EdgeTokens } from './readings/edge-tokens.ts';
import { Readings } from './readings/readings.ts';
import { peopleChannelResolver } from './rollups/channel-resolver.ts';
import { conversionRollupConsumer } from './rollups/conversion-consumer.ts';
import { Dashboard } from './rollups/dashboard.ts';
import { GoalRules } from './rollups/goal-rules.ts';
import { liveFunnelConsumer } from './rollups/live-funnel.ts';
import { Metrics } from './rollups/metrics.ts';
import { Catalog } from './sales/catalog.ts';
import { LiveSales } from './sales/live-sales.ts';
import { ProductImages } from './sales/product-images.ts';
import { asStore, type CommerceStore } from './store-handle.ts';
import { OfflineEvents } from './venues/offline-events.ts';
import { Viewers } from './viewers/viewers.ts';

export interface SalesOptions {
  /** Pinned cards per session. */
  maxPinned: number;
  /** local: in-process; redis: Lua on `redis`; auto: redis when given, else local; off: no filtering. */
  stockGate: 'auto' | 'local' | 'redis' | 'off';
  /** Payment adapters by name (the composition root builds them from its configuration). */
  providers: Partial<Record<ProviderName, PaymentProvider>>;
  /** The provider whose signed callbacks the webhook route verifies, when one is configured. */
  webhook?: WebhookProvider | undefined;
  /** A refund puts the units back on the card while its session is live. */
  refundRestocksLiveCard: boolean;
  /** How often reservations and countdowns are swept, in ms. */
  sweepPeriodMs: number;
  /** Idempotency keys are kept at least this long, in ms. */
  idempotencyKeepMs: number;
  /** Photos one product may have. @default 8 */
  maxImagesPerProduct?: number | undefined;
}

export interface CommerceOptions {
  logger: Logger;
  /** This process's id for node-scoped consumers and viewer event rows. */
  nodeId: string;
  /** Scale-out: event delivery over Redis Streams and the Lua stock gate. */
  redis?: Redis | undefined;
  /** An event bus built by the caller (tests running several on one store); default from `redis`. */
  events?: EventBus | undefined;
  people: PeopleOptions;
  sales: SalesOptions;
  /** Ledger rules, and how often due entries become available (ms). */
  ledger: Partial<LedgerRules> & { sweepPeriodMs: number };
  /** A purchase paid this long after a device test is attributed to the test and its event, in ms. */
  attributionWindowMs: number;
  /** Consultations: cut-off and horizon (ms); the notifier records what must be told (default: outbox). */
  consultations: { cutoffMs: number; horizonMs: number; notifier?: ConsultationNotifier | undefined };
  /** Queued messages: delivery, scheduler and channel adapters. @default no channels (nothing is sent) */
  messaging?: MessagingOptions | undefined;
}

/** Commerce's outbox consumers; the composition root subscribes them with the other rooms' consumers. */
export interface CommerceConsumers {
  ledger: EventConsumer;
  liveFunnel: EventConsumer;
  conversionRollups: EventConsumer;
  /** Follow-up records, milestones and stages from facts. */
  followUps: EventConsumer;
  /** Alerts on readings of consenting people. */
  alerts: EventConsumer;
  /** Messages and scheduled reminders from facts (orders, sessions, events, tasks, credit). */
  messaging: EventConsumer;
}

export interface Commerce {
  readonly store: CommerceStore;
  /** Outbox delivery: subscribe consumers, then start(). */
  readonly events: EventBus;
  readonly people: People;
  readonly catalog: Catalog;
  /** Which product photos exist (the gateway keeps their files). */
  readonly productImages: ProductImages;
  /** Live sessions and their product cards. */
  readonly sales: LiveSales;
  readonly orders: Orders;
  /** Present when a webhook payment provider is configured. */
  readonly webhook: WebhookProvider | undefined;
  readonly ledger: Ledger;
  readonly readings: Readings;
  readonly edgeTokens: EdgeTokens;
  /** Offline events (venues): invitees, check-in, funnels. */
  readonly venues: OfflineEvents;
  readonly viewers: Viewers;
  readonly metrics: Metrics;
  readonly goalRules: GoalRules;
  /** Follow-ups per person and channel, trial results. */
  readonly followUps: FollowUps;
  /** Profiles, live reminders, the message queue, its worker and the durable scheduler. */
  readonly messaging: Messaging;
  /** The knowledge base: articles, versions, search. */
  readonly knowledge: Knowledge;
  /** The staff stream's figures. */
  readonly dashboard: Dashboard;
  readonly clinics: Clinics;
  /** Expert profiles, availability and slots. */
  readonly experts: Experts;
  /** Booking, moving, cancelling and outcomes. */
  readonly consultations: Consultations;
  /** Reading consultations as each party may, notes, recommendations, a person's timeline. */
  readonly consultationRecords: ConsultationRecords;
  /** Who sits in a consultation's video call, and when. */
  readonly consultationVideo: ConsultationVideo;
  readonly alertRules: AlertRules;
  /** Who a person is now (roles, revocation) and which channels they manage, for privileged sockets. */
  readonly access: {
    of(personId: string): Promise<PersonAccess>;
    channelsManagedBy(personId: string): Promise<string[]>;
  };
  readonly consumers: CommerceConsumers;
  /** Background sweeps: order reservations and countdowns, ledger release. start() once delivery runs. */
  readonly sweepers: { orders: Sweeper; ledger: LedgerSweeper };
  /** Bulk seeding and probes for tests and benchmarks. */
  readonly fixtures: Fixtures;
}

/** No filtering at all: every attempt reaches the database (for measuring the gate's worth only). */
const NO_GATE: StockGate = {
  check: async () => 'maybe',
  settle: async () => {},
  release: async () => {},
  invalidate: async () => {},
};

function stockGate(kind: SalesOptions['stockGate'], redis: Redis | undefined, logger: Logger): StockGate {
  if (kind === 'off') return NO_GATE;
  if (kind === 'redis' && !redis)
    throw new VitaliveError('CONFIG_INVALID', { key: 'STOCK_GATE', reason: 'redis needs REDIS_URL' });
  return redis && kind !== 'local' ? new RedisStockGate({ redis, logger }) : new LocalStockGate();
}

export function createCommerce(handle: CommerceStore, options: CommerceOptions): Commerce {
  const store = asStore(handle);
  const { logger, nodeId, redis } = options;
  const events: EventBus =
    options.events ??
    (redis
      ? new RedisEventBus({ db: store.background, redis, logger, nodeId })
      : new LocalEventBus({ db: store.background, logger, nodeId }));
  const s = options.sales;
  const people = new People(store, options.people);
  const ledger = new Ledger(store, options.ledger);
  const sales = new LiveSales(store, { maxPinned: s.maxPinned, onCommit: () => events.notify() });
  const orders = new Orders({
    store,
    logger,
    providers: s.providers,
    gate: stockGate(s.stockGate, redis, logger),
    refundRestocksLiveCard: s.refundRestocksLiveCard,
    maxPinned: s.maxPinned,
    onEvents: () => events.notify(),
    credit: ledger,
  });
  const channels = peopleChannelResolver();
  const messaging = new Messaging(store, {
    logger,
    nodeId,
    options: options.messaging ?? { delivery: DEFAULT_DELIVERY, scheduler: DEFAULT_SCHEDULER, senders: {} },
    triggers: { payUrl: s.webhook?.checkoutUrl?.bind(s.webhook) },
  });
  return {
    store: handle,
    events,
    people,
    catalog: new Catalog(store),
    productImages: new ProductImages(store, { maxPerProduct: s.maxImagesPerProduct }),
    sales,
    orders,
    webhook: s.webhook,
    ledger,
    readings: new Readings(store),
    edgeTokens: new EdgeTokens(store),
    venues: new OfflineEvents(store, people),
    viewers: new Viewers(store, { logger, nodeId, channels }),
    metrics: new Metrics(store),
    goalRules: new GoalRules(store),
    followUps: new FollowUps(store),
    messaging,
    knowledge: new Knowledge(store),
    dashboard: new Dashboard(store),
    clinics: new Clinics(store),
    experts: new Experts(store),
    consultations: new Consultations(store, {
      cutoffMs: options.consultations.cutoffMs,
      horizonMs: options.consultations.horizonMs,
      notifier: options.consultations.notifier ?? outboxConsultationNotifier,
    }),
    consultationRecords: new ConsultationRecords(store),
    consultationVideo: new ConsultationVideo(store),
    alertRules: new AlertRules(store),
    access: {
      of: (personId) => personAccess(store, personId),
      channelsManagedBy: (personId) => channelIdsManagedBy(store, personId),
    },
    consumers: {
      // Entries from order events, exactly once (one process of the cluster).
      ledger: ledger.consumer(),
      liveFunnel: liveFunnelConsumer(channels),
      // Channels, events, referrers and AARRR follow the outbox exactly once.
      conversionRollups: conversionRollupConsumer({ attributionWindowMs: options.attributionWindowMs }),
      // Follow-up records move with the facts, exactly once (one process of the cluster).
      followUps: followUpConsumer({ sqlite: store.sqlite }),
      // One alert per (reading, rule), with consent only, exactly once (one process of the cluster).
      alerts: alertsConsumer(),
      // Messages and jobs commit with the position: once per event and recipient.
      messaging: messaging.consumer,
    },
    sweepers: {
      orders: new Sweeper({
        store,
        orders,
        sales,
        logger,
        periodMs: s.sweepPeriodMs,
        keepKeysMs: s.idempotencyKeepMs,
      }),
      ledger: new LedgerSweeper({ store, logger, periodMs: options.ledger.sweepPeriodMs }),
    },
    fixtures: new Fixtures(store),
  };
}
