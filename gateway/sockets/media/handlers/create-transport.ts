// media:createTransport — a WebRTC transport for anyone in the room; a plain RTP one for the host's
// encoder only (comedia: nothing is ever sent to a client-chosen address, so this cannot be used to
// reflect media at a third party).
import { VitaliveError } from '../../../../protocols/index.ts';
import { parseCreateTransport } from '../schemas.ts';
import type { InRoom } from '../types.ts';

export const createTransportHandler = (inRoom: InRoom) =>
  inRoom(parseCreateTransport, async (socket, p, room) => {
    if (p.type === 'webrtc') return room.createWebRtcTransport(socket.id);
    if (room.roleOf(socket.id) !== 'host')
      throw new VitaliveError('MEDIA_HOST_ONLY', { sessionId: p.sessionId });
    const t = await room.createPlainTransport(socket.id);
    return { id: t.id, ip: t.ip, port: t.port };
  });
