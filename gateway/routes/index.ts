// Every HTTP route plugin of the gateway, registered in one place. One file per area.
import type { Logger } from 'pino';
import type { EventBus, Store } from '../../commerce/index.ts';
import type { Guards, TokenService } from '../auth/index.ts';
import type { PlatformConfig } from '../config.ts';
import type { App } from '../http-app.ts';

/** What route plugins may use; built once by the composition root. */
export interface RouteDeps {
  config: PlatformConfig;
  logger: Logger;
  store: Store;
  /** Subscribe outbox consumers here (before the platform starts delivery). */
  events: EventBus;
  tokens: TokenService;
  guards: Guards;
}

export async function registerRoutes(_app: App, _deps: RouteDeps): Promise<void> {
  // Route plugins register here, e.g. await app.register(authRoutes, { prefix: '/api', ...deps }).
}
