// SUBSCRIBE: a device may subscribe to its own commands topic only; anything else is an ACL violation
// and closes the connection.
import type { Client, Subscription } from 'aedes';
import { DEVICE_TOPICS } from '../../protocols/index.ts';
import type { DeviceContext } from './context.ts';

export type SubscribeHandler = (
  client: Client,
  sub: Subscription,
  cb: (err: Error | null, sub?: Subscription | null) => void,
) => void;

export function subscribeHandler(ctx: DeviceContext): SubscribeHandler {
  return (client, sub, cb) => {
    if (sub.topic === DEVICE_TOPICS.commands(client.id)) {
      // Commands go out at QoS 1 at most (QoS 2 is not offered to devices).
      cb(null, sub.qos > 1 ? { ...sub, qos: 1 } : sub);
      return;
    }
    ctx.aclViolation(client.id, 'subscribe', sub.topic);
    cb(new Error('subscribe not authorized'));
  };
}
