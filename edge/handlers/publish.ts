// PUBLISH: a device may publish only under `devices/<its id>/`, to the topic kinds in the table below.
// Anything else closes the connection: MQTT 3.1.1 has no negative acknowledgement for a publish, so
// the server either acknowledges it or closes the network connection [MQTT-3.3.5-2].
import type { Client, PublishPacket } from 'aedes';
import type { DeviceContext } from './context.ts';
import { readingsHandler, type TopicHandler } from './readings.ts';

export type PublishHandler = (
  client: Client | null,
  packet: PublishPacket,
  cb: (err?: Error | null) => void,
) => void;

/** Status messages (online, battery…) are acknowledged and routed; the edge keeps nothing of them. */
const acknowledge: TopicHandler = (_deviceId, _packet, cb) => cb(null);

export function publishHandler(ctx: DeviceContext): PublishHandler {
  /** Topic kinds, by the last level of `devices/<id>/<kind>`. */
  const topics = new Map<string, TopicHandler>([
    ['readings', readingsHandler(ctx)],
    ['status', acknowledge],
  ]);
  return (client, packet, cb) => {
    // The broker's own publishes (commands to devices) have no client.
    if (!client) {
      cb(null);
      return;
    }
    const id = client.id;
    const own = `devices/${id}/`;
    const handle = packet.topic.startsWith(own) ? topics.get(packet.topic.slice(own.length)) : undefined;
    if (handle) {
      handle(id, packet, cb);
      return;
    }
    ctx.aclViolation(id, 'publish', packet.topic);
    cb(new Error('publish not authorized'));
  };
}
