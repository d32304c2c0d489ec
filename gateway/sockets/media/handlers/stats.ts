// media:stats — the host's view of their room: producers, consumers, bitrates, loss and RTT.
import { VitaliveError } from '../../../../protocols/index.ts';
import { parseSession } from '../schemas.ts';
import type { InRoom, MediaNamespaceDeps } from '../types.ts';

export const statsHandler = (inRoom: InRoom, deps: MediaNamespaceDeps) =>
  inRoom(parseSession, async (socket, p, room) => {
    if (room.roleOf(socket.id) !== 'host')
      throw new VitaliveError('MEDIA_HOST_ONLY', { sessionId: p.sessionId });
    const all = await (deps.stats ?? (() => deps.rooms.stats({ maxAgeMs: 2000 })))();
    const r = all.rooms.find((x) => x.sessionId === p.sessionId);
    return {
      sessionId: p.sessionId,
      producers: r?.producers ?? 0,
      consumers: r?.consumers ?? 0,
      bitrateInBps: r?.bitrateInBps ?? 0,
      bitrateOutBps: r?.bitrateOutBps ?? 0,
      lossFraction: r?.lossFraction ?? 0,
      rttMs: r?.rttMs ?? 0,
    };
  });
