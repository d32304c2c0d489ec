// Builds commerce's live-sales services from the configuration: catalog, sessions and cards, orders with
// their payment providers and stock gate, and the expiry sweeper.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  Catalog,
  LiveSales,
  LocalStockGate,
  manualProvider,
  type OrderCredit,
  Orders,
  RedisStockGate,
  type StockGate,
  type Store,
  Sweeper,
  type WebhookProvider,
  webhookProvider,
} from '../commerce/index.ts';
import { VitaliveError } from '../protocols/index.ts';
import type { PlatformConfig } from './config.ts';

export interface SalesServices {
  catalog: Catalog;
  sales: LiveSales;
  orders: Orders;
  /** Present when PAYMENT_WEBHOOK_SECRET is set. */
  webhook: WebhookProvider | undefined;
  sweeper: Sweeper;
}

export interface SalesServiceDeps {
  store: Store;
  config: PlatformConfig;
  logger: Logger;
  redis?: Redis | undefined;
  /** Wakes the event dispatcher after commits. */
  onEvents?: (() => void) | undefined;
  /** Credit redemption at placement (the ledger); without it, redeeming is refused. */
  credit?: OrderCredit | undefined;
  /** Called when a session ends (closes its media room). */
  onSessionEnded?: ((sessionId: string) => void) | undefined;
}

/** No filtering at all: every attempt reaches the database (for measuring the gate's worth only). */
const NO_GATE: StockGate = {
  check: async () => 'maybe',
  settle: async () => {},
  release: async () => {},
  invalidate: async () => {},
};

function stockGate(
  kind: PlatformConfig['sales']['stockGate'],
  redis: Redis | undefined,
  logger: Logger,
): StockGate {
  if (kind === 'off') return NO_GATE;
  if (kind === 'redis' && !redis)
    throw new VitaliveError('CONFIG_INVALID', { key: 'STOCK_GATE', reason: 'redis needs REDIS_URL' });
  return redis && kind !== 'local' ? new RedisStockGate({ redis, logger }) : new LocalStockGate();
}

export function createSalesServices(deps: SalesServiceDeps): SalesServices {
  const { store, config, logger } = deps;
  const s = config.sales;
  const webhook = s.webhookSecret
    ? webhookProvider({
        reservationMs: s.webhookReservationMs,
        checkoutBaseUrl: s.checkoutBaseUrl,
        secret: s.webhookSecret,
      })
    : undefined;
  const sales = new LiveSales(store, {
    maxPinned: s.maxPinned,
    onEnded: deps.onSessionEnded,
    onCommit: deps.onEvents,
  });
  const orders = new Orders({
    store,
    logger,
    providers: { manual: manualProvider(s.manualReservationMs), ...(webhook ? { webhook } : {}) },
    gate: stockGate(s.stockGate, deps.redis, logger),
    refundRestocksLiveCard: s.refundRestocksLiveCard,
    maxPinned: s.maxPinned,
    onEvents: deps.onEvents,
    credit: deps.credit,
  });
  const sweeper = new Sweeper({
    store,
    orders,
    sales,
    logger,
    periodMs: s.sweepPeriodMs,
    keepKeysMs: s.idempotencyKeepMs,
  });
  return { catalog: new Catalog(store), sales, orders, webhook, sweeper };
}
