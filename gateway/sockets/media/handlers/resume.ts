// media:resume — a peer's consumer starts receiving.
import { parseConsumer } from '../schemas.ts';
import type { InRoom } from '../types.ts';

export const resumeHandler = (inRoom: InRoom) =>
  inRoom(parseConsumer, async (socket, p, room) => {
    await room.resume(socket.id, p.consumerId);
    return null;
  });
