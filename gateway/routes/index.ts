// Every HTTP route plugin of the gateway, registered in one place. One file per area. Routes receive
// the services the composition root built; they construct nothing and subscribe nothing.
import type { Logger } from 'pino';
import type { Commerce } from '../../commerce/index.ts';
import type { Guards, TokenService } from '../auth/index.ts';
import type { PlatformConfig } from '../config.ts';
import type { App } from '../http-app.ts';
import type { ImageFiles } from '../images/image-files.ts';
import type { WechatClient } from '../messaging/wechat.ts';
import type { OrderPlacement } from '../order-placement.ts';
import type { PosterService } from '../posters/poster-service.ts';
import type { RecordingFiles } from '../recording/index.ts';
import { alertRuleRoutes } from './alert-rules.ts';
import { authRoutes } from './auth.ts';
import { catalogRoutes } from './catalog.ts';
import { channelRoutes } from './channels.ts';
import { clinicExpertRoutes } from './clinics-experts.ts';
import { consultationVideoRoutes } from './consultation-video.ts';
import { consultationRoutes } from './consultations.ts';
import { followUpRoutes } from './follow-ups.ts';
import { followRoutes } from './follows.ts';
import { goalRuleRoutes } from './goal-rules.ts';
import { knowledgeRoutes } from './knowledge.ts';
import { ledgerRoutes } from './ledger.ts';
import { liveSessionRoutes } from './live-sessions.ts';
import { livesRoutes } from './lives.ts';
import { meRoutes } from './me.ts';
import { meOrderRoutes } from './me-orders.ts';
import { messagingRoutes } from './messaging.ts';
import { metricsRoutes } from './metrics.ts';
import { offlineEventRoutes } from './offline-events.ts';
import { orderRoutes } from './orders.ts';
import { payoutRunRoutes } from './payout-runs.ts';
import { peopleRoutes } from './people.ts';
import { productImageRoutes } from './product-images.ts';
import { type DeviceAdminPort, readingRoutes } from './readings.ts';
import { replayRoutes } from './replays.ts';
import { strictBodyValidator } from './validator.ts';

/** What route plugins may use; built once by the composition root. */
export interface RouteDeps {
  config: PlatformConfig;
  logger: Logger;
  tokens: TokenService;
  guards: Guards;
  commerce: Commerce;
  /** Orders over HTTP and over /live: the per-member limit over commerce's placement. */
  placement: OrderPlacement;
  /** Where product photos are kept (DATA_DIR/images). */
  images: ImageFiles;
  /** Readings: the embedded edge's device admin (undefined → device routes answer 503). */
  devices?: DeviceAdminPort | undefined;
  /** Share posters of live sessions (rendered and cached). */
  posters: PosterService;
  /** The WeChat official account, when configured (binding a person's WeChat). */
  wechat?: WechatClient | undefined;
  /** Live recordings and replays on this node's disk (DATA_DIR/recordings). */
  recordings?: RecordingFiles | undefined;
}

export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  const { commerce, guards } = deps;
  const peopleDeps = { people: commerce.people, tokens: deps.tokens, guards };
  await app.register(async (scope: App) => {
    scope.setValidatorCompiler(strictBodyValidator);
    await authRoutes(scope, peopleDeps);
    await meRoutes(scope, peopleDeps);
    await meOrderRoutes(scope, {
      orders: commerce.orders,
      guards,
      manualInstructions: deps.config.sales.manualPaymentInstructions,
    });
    await peopleRoutes(scope, peopleDeps);
    await channelRoutes(scope, peopleDeps);
    const salesDeps = { services: commerce, guards, placement: deps.placement };
    await catalogRoutes(scope, salesDeps);
    await liveSessionRoutes(scope, salesDeps);
    // The public list of lives, line-up visibility and share posters
    await livesRoutes(scope, { services: commerce, guards, posters: deps.posters });
    await orderRoutes(scope, salesDeps);
    if (deps.recordings)
      await replayRoutes(scope, { sales: commerce.sales, recordings: deps.recordings, guards });
    await productImageRoutes(scope, {
      productImages: commerce.productImages,
      files: deps.images,
      limits: deps.config.images,
      guards,
    });
    // Ledger: credit and payouts (its entries are written by its outbox consumer)
    await ledgerRoutes(scope, { ledger: commerce.ledger, guards });
    // Readings and devices
    await readingRoutes(scope, {
      guards,
      readings: commerce.readings,
      edgeTokens: commerce.edgeTokens,
      devices: deps.devices,
    });
    // Offline events and conversion metrics
    await offlineEventRoutes(scope, { events: commerce.venues, guards });
    await metricsRoutes(scope, {
      metrics: commerce.metrics,
      guards,
      followUpDays: deps.config.metrics.followUpDays,
    });
    await goalRuleRoutes(scope, { goalRules: commerce.goalRules, guards });
    // Follow-ups (filled from facts by commerce's consumer) and payout runs
    await followUpRoutes(scope, { followUps: commerce.followUps, guards });
    await payoutRunRoutes(scope, { ledger: commerce.ledger, guards });
    // Clinics, experts, consultations and alerts on readings
    await clinicExpertRoutes(scope, { commerce, guards });
    await consultationRoutes(scope, { commerce, guards });
    await consultationVideoRoutes(scope, { commerce, guards, tokens: deps.tokens });
    await alertRuleRoutes(scope, { alertRules: commerce.alertRules, guards });
    // Messages: profiles, reminders, the delivery log, unsubscribe and inbound SMS
    await messagingRoutes(scope, {
      messaging: commerce.messaging,
      people: commerce.people,
      guards,
      wechat: deps.wechat,
      smsInboundSecret: deps.config.messaging.smsInboundSecret,
    });
    await followRoutes(scope, { messaging: commerce.messaging, guards });
    // Knowledge base
    await knowledgeRoutes(scope, { knowledge: commerce.knowledge, guards });
  });
}
