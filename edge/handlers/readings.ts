// PUBLISH on a device's own readings topic: decode and validate, then journal. An invalid reading is
// acknowledged and quarantined (a device must not loop resending it); a reading the journal refuses is
// not acknowledged, so the device sends it again.
import type { PublishPacket } from 'aedes';
import { decodeReading } from '../../protocols/index.ts';
import type { DeviceContext } from './context.ts';

export type TopicHandler = (
  deviceId: string,
  packet: PublishPacket,
  cb: (err?: Error | null) => void,
) => void;

export function readingsHandler(ctx: DeviceContext): TopicHandler {
  // One log line for a failing journal, not one per reading of every device.
  let journalErrorLogged = false;
  return (deviceId, packet, cb) => {
    // Readings are never retained: aedes would keep the last one per topic for any later subscriber.
    packet.retain = false;
    const payload = packet.payload as Buffer;
    const checked = decodeReading(payload, deviceId, Date.now(), ctx.maxPayloadBytes);
    if (!checked.ok) {
      ctx.quarantine(deviceId, checked.reason, payload);
      cb(null);
      return;
    }
    ctx.presence.reading(deviceId);
    ctx.journal.append(checked.reading, (err) => {
      if (err && !journalErrorLogged) {
        journalErrorLogged = true;
        ctx.logger.error({ err }, 'journal refused a reading (not acknowledged)');
      }
      cb(err);
    });
  };
}
