// The device packet handlers, one per MQTT packet type aedes lets us decide on. Readings and status
// arrive as PUBLISH and are told apart by topic kind in publish.ts.
import { type ConnectHandler, connectHandler } from './connect.ts';
import type { DeviceContext } from './context.ts';
import { type PublishHandler, publishHandler } from './publish.ts';
import { type SubscribeHandler, subscribeHandler } from './subscribe.ts';

export type { DeviceContext } from './context.ts';

export interface DeviceHandlers {
  /** CONNECT: device id and secret. */
  authenticate: ConnectHandler;
  /** PUBLISH: readings (journaled or quarantined) and status on the device's own topics. */
  authorizePublish: PublishHandler;
  /** SUBSCRIBE: the device's own commands topic. */
  authorizeSubscribe: SubscribeHandler;
}

export function deviceHandlers(ctx: DeviceContext): DeviceHandlers {
  return {
    authenticate: connectHandler(ctx),
    authorizePublish: publishHandler(ctx),
    authorizeSubscribe: subscribeHandler(ctx),
  };
}
