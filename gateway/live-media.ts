// Glue between live sales and the SFU: who may publish into a session's room (its host, while the
// session is live), and closing the room on every node when the session ends.
import type { EventConsumer, LiveSales } from '../commerce/index.ts';
import type { MediaGateway, SessionDirectory } from './media-gateway.ts';

export function liveHosts(sales: LiveSales): SessionDirectory {
  return {
    async hostOf(sessionId) {
      const s = await sales.session(sessionId);
      return s?.state === 'live' ? s.hostPersonId : undefined;
    },
  };
}

/** Every node closes its own room for the session (node-scoped: rooms live in each process). */
export function closeRoomsOnSessionEnd(media: MediaGateway, startedAtMs = Date.now()): EventConsumer {
  return {
    name: 'media-rooms',
    scope: 'node',
    async handle(event) {
      // Sessions that ended before this process started have no room here.
      if (event.type !== 'session.ended' || !event.sessionId || event.createdAtMs < startedAtMs) return;
      media.closeRoom(event.sessionId);
    },
  };
}
