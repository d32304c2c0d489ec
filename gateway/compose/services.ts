// The builders every gateway process entry composes from: commerce over a store with the adapters
// configured for this process (messenger, payment providers, stock gate), mapped from PlatformConfig.
// The platform, the admin CLI, tests and benchmarks all build commerce here, so they run what ships.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import {
  type ChannelSenders,
  type Commerce,
  type CommerceOptions,
  type CommerceStore,
  createCommerce,
  DAY_MS,
  DEFAULT_DELIVERY,
  DEFAULT_SCHEDULER,
  type EventBus,
  type MessagingOptions,
  type Messenger,
  manualProvider,
  openStore,
  type PeopleOptions,
  type SalesOptions,
  webhookProvider,
} from '../../commerce/index.ts';
import { loadConfig, type PlatformConfig } from '../config.ts';

/** Identifies this process in event delivery and viewer event rows. */
export function newNodeId(): string {
  return `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** People's tiers, password costs, lifetimes, throttle limits and contact-proof budgets. */
export function peopleOptions(
  config: Pick<PlatformConfig, 'auth' | 'people' | 'contacts'>,
  overrides: Pick<PeopleOptions, 'now' | 'codes' | 'messenger'> = {},
): PeopleOptions {
  const c = config.contacts;
  return {
    tiers: config.people.tiers,
    defaultPhoneCountryCode: config.people.defaultPhoneCountryCode,
    scryptLog2N: config.auth.scryptLog2N,
    refreshTtlMs: config.auth.refreshTtlSec * 1000,
    resetCodeTtlMs: config.auth.resetCodeTtlSec * 1000,
    loginMaxFailuresPerAccount: config.auth.loginMaxFailuresPerAccount,
    loginMaxFailuresPerAccountAllIps: config.auth.loginMaxFailuresPerAccountAllIps,
    loginMaxFailuresPerIp: config.auth.loginMaxFailuresPerIp,
    loginThrottleWindowMs: config.auth.loginThrottleWindowSec * 1000,
    contactProof: {
      codeTtlMs: c.codeTtlSec * 1000,
      maxTries: c.codeMaxTries,
      sendsPerContact: c.codesPerContact,
      sendsPerIp: c.codesPerIp,
      checksPerIp: c.checksPerIp,
      windowMs: c.windowSec * 1000,
    },
    ...overrides,
  };
}

/** Payment adapters: manual always, the signed-webhook provider when PAYMENT_WEBHOOK_SECRET is set. */
export function salesOptions(config: PlatformConfig['sales']): SalesOptions {
  const webhook = config.webhookSecret
    ? webhookProvider({
        reservationMs: config.webhookReservationMs,
        checkoutBaseUrl: config.checkoutBaseUrl,
        secret: config.webhookSecret,
      })
    : undefined;
  return {
    maxPinned: config.maxPinned,
    stockGate: config.stockGate,
    providers: { manual: manualProvider(config.manualReservationMs), ...(webhook ? { webhook } : {}) },
    webhook,
    refundRestocksLiveCard: config.refundRestocksLiveCard,
    sweepPeriodMs: config.sweepPeriodMs,
    idempotencyKeepMs: config.idempotencyKeepMs,
  };
}

export interface CommerceAdapters {
  logger: Logger;
  /** Delivers one-time codes and notices (see gateway/messengers.ts); absent → sending is refused. */
  messenger?: Messenger | undefined;
  /** @default a fresh id for this process */
  nodeId?: string | undefined;
  redis?: Redis | undefined;
  /** A bus the caller built; default from `redis`. */
  events?: EventBus | undefined;
  /** Tests pin the clock and codes. */
  people?: Pick<PeopleOptions, 'now' | 'codes'> | undefined;
  /** Channel adapters for queued messages (see gateway/messaging/senders.ts); absent → none (nothing sent). */
  senders?: ChannelSenders | undefined;
  /** Signs unsubscribe links when MESSAGE_SIGNING_SECRET is unset (derived from the access-token key). */
  messagingSecret?: string | undefined;
}

/** Delivery, retries, rates, quiet hours and the scheduler from the configuration. */
export function messagingOptions(
  config: PlatformConfig,
  senders: ChannelSenders,
  fallbackSecret: string | undefined,
): MessagingOptions {
  const m = config.messaging;
  return {
    senders,
    delivery: {
      ...DEFAULT_DELIVERY,
      maxAttempts: m.maxAttempts,
      retryBaseMs: m.retryBaseMs,
      retryMaxMs: m.retryMaxMs,
      ratePerSecond: m.ratePerSecond,
      quietHours: { startMin: m.quietStartMin, endMin: m.quietEndMin },
      batch: m.batch,
      leaseMs: m.leaseMs,
      pollMs: m.pollMs,
      publicUrl: config.publicUrl ?? `http://127.0.0.1:${config.http.port.port}`,
      unsubscribeSecret: m.signingSecret ?? fallbackSecret ?? DEFAULT_DELIVERY.unsubscribeSecret,
    },
    scheduler: { ...DEFAULT_SCHEDULER, pollMs: m.pollMs },
  };
}

export function commerceOptions(config: PlatformConfig, adapters: CommerceAdapters): CommerceOptions {
  return {
    logger: adapters.logger,
    nodeId: adapters.nodeId ?? newNodeId(),
    redis: adapters.redis,
    events: adapters.events,
    people: peopleOptions(config, {
      ...(adapters.messenger ? { messenger: adapters.messenger } : {}),
      ...adapters.people,
    }),
    sales: { ...salesOptions(config.sales), maxImagesPerProduct: config.images.maxPerProduct },
    ledger: config.ledger,
    attributionWindowMs: config.metrics.attributionWindowDays * DAY_MS,
    consultations: config.consultations,
    messaging: messagingOptions(config, adapters.senders ?? {}, adapters.messagingSecret),
  };
}

/** Commerce over `store`, configured as the platform runs it. */
export function buildCommerce(
  store: CommerceStore,
  config: PlatformConfig,
  adapters: CommerceAdapters,
): Commerce {
  return createCommerce(store, commerceOptions(config, adapters));
}

/**
 * People alone, for the admin CLI and tests: the same options as the platform; no stock gate is built,
 * since nothing here places orders (a Redis gate would otherwise need a Redis connection).
 */
export function createPeople(
  store: CommerceStore,
  config: PlatformConfig,
  overrides: Pick<PeopleOptions, 'now' | 'codes' | 'messenger'> = {},
): Commerce['people'] {
  const options = commerceOptions(config, {
    logger: pino({ level: 'silent' }),
    messenger: overrides.messenger,
    people: overrides,
  });
  return createCommerce(store, { ...options, sales: { ...options.sales, stockGate: 'off' } }).people;
}

/** The knowledge base over a store, for the admin CLI's import and export. */
export function createKnowledge(store: CommerceStore, config: PlatformConfig): Commerce['knowledge'] {
  const options = commerceOptions(config, { logger: pino({ level: 'silent' }) });
  return createCommerce(store, { ...options, sales: { ...options.sales, stockGate: 'off' } }).knowledge;
}

/**
 * Commerce over the store a platform's environment names (DATA_DIR, DATABASE_URL, …, read as `npm start`
 * reads them), for tools and benchmarks running beside a platform process (seeding through
 * `fixtures`): no delivery or sweeps are started. close() closes it.
 */
export async function openCommerce(
  env: Record<string, string | undefined>,
  logger: Logger,
  adapters: Pick<CommerceAdapters, 'senders'> = {},
): Promise<{ commerce: Commerce; close(): Promise<void> }> {
  const config = loadConfig(env);
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    logger,
  });
  const options = commerceOptions(config, { logger, ...adapters });
  // Nothing here places orders: no stock gate (a Redis gate would need a connection of its own).
  const commerce = createCommerce(store, { ...options, sales: { ...options.sales, stockGate: 'off' } });
  return { commerce, close: () => store.close() };
}
