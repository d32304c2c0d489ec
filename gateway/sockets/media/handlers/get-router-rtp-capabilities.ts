// media:getRouterRtpCapabilities — what the room's router can receive and send.

import { parseSession } from '../schemas.ts';
import type { InRoom } from '../types.ts';
import { json } from '../types.ts';

export const getRouterRtpCapabilitiesHandler = (inRoom: InRoom) =>
  inRoom(parseSession, async (_socket, _p, room) => json(room.routerRtpCapabilities));
