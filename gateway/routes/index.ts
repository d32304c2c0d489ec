// Every HTTP route plugin of the gateway, registered in one place. One file per area.
import type { Logger } from 'pino';
import {
  EdgeTokens,
  type EventBus,
  FollowUps,
  followUpConsumer,
  GoalRules,
  Ledger,
  Metrics,
  OfflineEvents,
  type People,
  Readings,
  type Store,
} from '../../commerce/index.ts';
import type { Guards, TokenService } from '../auth/index.ts';
import type { PlatformConfig } from '../config.ts';
import type { App } from '../http-app.ts';
import { createMessenger } from '../messengers.ts';
import { OrderPlacement } from '../order-placement.ts';
import { createPeople } from '../people-service.ts';
import { createSalesServices, type SalesServices } from '../sales-service.ts';
import { authRoutes } from './auth.ts';
import { catalogRoutes } from './catalog.ts';
import { channelRoutes } from './channels.ts';
import { followUpRoutes } from './follow-ups.ts';
import { goalRuleRoutes } from './goal-rules.ts';
import { ledgerRoutes } from './ledger.ts';
import { liveSessionRoutes } from './live-sessions.ts';
import { meRoutes } from './me.ts';
import { metricsRoutes } from './metrics.ts';
import { offlineEventRoutes } from './offline-events.ts';
import { orderRoutes } from './orders.ts';
import { payoutRunRoutes } from './payout-runs.ts';
import { peopleRoutes } from './people.ts';
import { type DeviceAdminPort, readingRoutes } from './readings.ts';
import { strictBodyValidator } from './validator.ts';

/** What route plugins may use; built once by the composition root. */
export interface RouteDeps {
  config: PlatformConfig;
  logger: Logger;
  store: Store;
  /** Subscribe outbox consumers here (before the platform starts delivery). */
  events: EventBus;
  tokens: TokenService;
  guards: Guards;
  /** @default built from store and config */
  people?: People;
  /** @default built from store and config (in-process stock gate) */
  sales?: SalesServices;
  /** @default per-member limit from config over `sales.orders` */
  placement?: OrderPlacement;
  /** Readings: the embedded edge's device admin (undefined → device routes answer 503). */
  devices?: DeviceAdminPort;
  /** @default built from store */
  readings?: Readings;
  /** Referral credit and commission; its outbox consumer is subscribed here. @default built from config */
  ledger?: Ledger;
}

export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  const people =
    deps.people ??
    createPeople(deps.store, deps.config, { messenger: createMessenger(deps.config.contacts, deps.logger) });
  const peopleDeps = { people, tokens: deps.tokens, guards: deps.guards };
  await app.register(async (scope: App) => {
    scope.setValidatorCompiler(strictBodyValidator);
    await authRoutes(scope, peopleDeps);
    await meRoutes(scope, peopleDeps);
    await peopleRoutes(scope, peopleDeps);
    await channelRoutes(scope, peopleDeps);
    // Ledger: entries from order events (exactly once, one process of the cluster), credit and payouts
    const ledger = deps.ledger ?? new Ledger(deps.store, deps.config.ledger);
    deps.events.subscribe(ledger.consumer());
    const services =
      deps.sales ??
      createSalesServices({ store: deps.store, config: deps.config, logger: deps.logger, credit: ledger });
    const salesDeps = {
      services,
      guards: deps.guards,
      placement:
        deps.placement ?? new OrderPlacement(services.orders, deps.config.sales.ordersPerMemberPerMin),
    };
    await catalogRoutes(scope, salesDeps);
    await liveSessionRoutes(scope, salesDeps);
    await orderRoutes(scope, salesDeps);
    await ledgerRoutes(scope, { ledger, guards: deps.guards });
    // Readings and devices
    await readingRoutes(scope, {
      guards: deps.guards,
      readings: deps.readings ?? new Readings(deps.store),
      edgeTokens: new EdgeTokens(deps.store),
      devices: deps.devices,
    });
    // Offline events and conversion metrics
    await offlineEventRoutes(scope, { events: new OfflineEvents(deps.store, people), guards: deps.guards });
    await metricsRoutes(scope, {
      metrics: new Metrics(deps.store),
      guards: deps.guards,
      followUpDays: deps.config.metrics.followUpDays,
    });
    await goalRuleRoutes(scope, { goalRules: new GoalRules(deps.store), guards: deps.guards });
    // Follow-ups (filled from facts by their consumer, one process of the cluster) and payout runs
    deps.events.subscribe(followUpConsumer());
    await followUpRoutes(scope, { followUps: new FollowUps(deps.store), guards: deps.guards });
    await payoutRunRoutes(scope, { ledger, guards: deps.guards });
  });
}
