// What every /live handler shares, built once per namespace: the session snapshot (joins arriving
// together share one read), "for you" cards, the joined-session check, leaving, and the budgets.
import { type LiveSnapshot, VitaliveError } from '../../../protocols/index.ts';
import { sessionRoom } from './rooms.ts';
import type { LiveNamespaceDeps, LiveSnapshotSource, LiveSocket, Watching } from './types.ts';

export interface LiveContext {
  readonly deps: LiveNamespaceDeps;
  snapshot(sessionId: string): Promise<LiveSnapshot>;
  /** The person's flagged cards for the session, as a partial snapshot (empty when none). */
  forYou(personId: string | null, sessionId: string): Promise<Partial<LiveSnapshot>>;
  /** What the socket watches, if it joined this session; else LIVE_NOT_JOINED. */
  joined(socket: LiveSocket, sessionId: string): Watching;
  personOf(socket: LiveSocket): string | null;
  /** Presence and the event log see a viewer go (a leave, or a disconnect that may yet recover). */
  watchEnded(socket: LiveSocket, live: Watching): void;
  leave(socket: LiveSocket): void;
  /** Spends the socket's and its IP's budget, or refuses with RATE_LIMITED. */
  spend(socket: LiveSocket, kind: 'join' | 'card'): void;
  onError(err: unknown, socket: LiveSocket): void;
}

type SessionRead = { seq: number; state: Awaited<ReturnType<LiveSnapshotSource['load']>> };

export function liveContext(deps: LiveNamespaceDeps): LiveContext {
  const reading = new Map<string, Promise<SessionRead>>();
  function readSession(sessionId: string): Promise<SessionRead> {
    let pending = reading.get(sessionId);
    if (!pending) {
      pending = (async () => {
        // The sequence is read first: the state is then at least as new, and frames carry absolute
        // values, so applying an event the snapshot already reflects changes nothing.
        const seq = await deps.viewers.sessionSeq(sessionId);
        return { seq, state: await deps.snapshots.load(sessionId) };
      })().finally(() => reading.delete(sessionId));
      reading.set(sessionId, pending);
    }
    return pending;
  }

  const personOf = (socket: LiveSocket): string | null => socket.data.principal?.personId ?? null;

  function watchEnded(socket: LiveSocket, live: Watching): void {
    if (!live.counted) return;
    deps.presence.remove(live.sessionId, live.viewerId);
    deps.viewers.log.record({
      sessionId: live.sessionId,
      type: 'live.leave',
      viewerId: live.viewerId,
      personId: personOf(socket),
      refCode: live.ref,
      chCode: live.ch,
    });
  }

  // A directory that cannot answer leaves the viewer on the configured media URL.
  const pickMedia = (sessionId: string) =>
    deps.mediaNode ? deps.mediaNode(sessionId).catch(() => undefined) : Promise.resolve(undefined);

  return {
    deps,
    async snapshot(sessionId) {
      const { seq, state } = await readSession(sessionId);
      if (!state) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
      return {
        sessionId,
        seq,
        ...state,
        viewers: deps.presence.count(sessionId),
        serverTimeMs: Date.now(),
        media: { url: (await pickMedia(sessionId)) ?? deps.mediaUrl ?? null, namespace: '/media' },
      };
    },
    async forYou(personId, sessionId) {
      if (!personId) return {};
      const [cards, picks] = await Promise.all([
        deps.recommend?.(personId, sessionId),
        deps.expertPicks?.(personId, sessionId),
      ]);
      return {
        ...(cards && cards.length > 0 ? { forYou: cards } : {}),
        ...(picks && picks.length > 0 ? { byYourExpert: picks } : {}),
      };
    },
    joined(socket, sessionId) {
      const live = socket.data.live;
      if (!live || live.sessionId !== sessionId) throw new VitaliveError('LIVE_NOT_JOINED', { sessionId });
      return live;
    },
    personOf,
    watchEnded,
    leave(socket) {
      const live = socket.data.live;
      if (!live) return;
      socket.data.live = undefined;
      void socket.leave(sessionRoom(live.sessionId));
      watchEnded(socket, live);
    },
    spend(socket, kind) {
      const wait = deps.budgets.take(kind, socket.id, socket.handshake.address);
      if (wait > 0) throw new VitaliveError('RATE_LIMITED', { retryAfterSec: wait });
    },
    onError(err, socket) {
      deps.logger.error({ err, socket: socket.id }, 'live handler failed');
    },
  };
}
