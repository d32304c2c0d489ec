// Glue between live sales and the SFU: who may publish into a session's room (its host, while the
// session is live), and closing or handing over the room on every node (and every separate media node)
// when the session ends or changes host.
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

/**
 * Every node closes its own room when the session ends, and hands it over when the session changes host
 * (node-scoped: rooms live in each process).
 */
export function mediaRoomsFollowSessions(
  media: MediaGateway | undefined,
  startedAtMs = Date.now(),
  mediaNodes?: (m: { type: 'room.close' | 'room.handOver'; sessionId: string }) => void,
): EventConsumer {
  return {
    name: 'media-rooms',
    scope: 'node',
    async handle(event) {
      // Sessions that ended or changed host before this process started have no room here.
      if (!event.sessionId || event.createdAtMs < startedAtMs) return;
      if (event.type === 'session.ended') {
        media?.closeRoom(event.sessionId);
        // Separate media nodes hear it over Redis (every core node says it; closing is idempotent).
        mediaNodes?.({ type: 'room.close', sessionId: event.sessionId });
      }
      if (event.type === 'session.updated' && hostChanged(event.payload)) {
        media?.handOver(event.sessionId);
        mediaNodes?.({ type: 'room.handOver', sessionId: event.sessionId });
      }
    },
  };
}

function hostChanged(payload: Record<string, unknown>): boolean {
  const session = payload.session as { hostPersonId?: unknown } | undefined;
  return (
    typeof payload.previousHostPersonId === 'string' && payload.previousHostPersonId !== session?.hostPersonId
  );
}
