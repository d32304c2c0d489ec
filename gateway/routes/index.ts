// Every HTTP route plugin of the gateway, registered in one place. One file per area.
import type { Logger } from 'pino';
import type { EventBus, People, Store } from '../../commerce/index.ts';
import type { Guards, TokenService } from '../auth/index.ts';
import type { PlatformConfig } from '../config.ts';
import type { App } from '../http-app.ts';
import { createPeople } from '../people-service.ts';
import { authRoutes } from './auth.ts';
import { channelRoutes } from './channels.ts';
import { meRoutes } from './me.ts';
import { peopleRoutes } from './people.ts';
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
}

export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  const people = deps.people ?? createPeople(deps.store, deps.config);
  const peopleDeps = { people, tokens: deps.tokens, guards: deps.guards };
  await app.register(async (scope: App) => {
    scope.setValidatorCompiler(strictBodyValidator);
    await authRoutes(scope, peopleDeps);
    await meRoutes(scope, peopleDeps);
    await peopleRoutes(scope, peopleDeps);
    await channelRoutes(scope, peopleDeps);
  });
}
