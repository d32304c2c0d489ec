// The /live namespace: viewers join a session (anonymous viewer id plus the share link's codes, or a
// logged-in member), receive a snapshot and then session events; they record impressions and clicks,
// and chat. Rooms: `s:<sessionId>` for a session's viewers, `p:<personId>` for a person's own updates.
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { Type } from 'typebox';
import type { Viewers } from '../../../commerce/index.ts';
import {
  type Card,
  type HttpLikeReply,
  IdempotencyKey,
  isVitaliveError,
  type LiveClientToServer,
  type LiveServerToClient,
  type LiveSession,
  type LiveSnapshot,
  PlaceOrderBody,
  VitaliveError,
} from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import {
  compile,
  contractOf,
  dispatcher,
  type SocketCounters,
  type SocketHandler,
  socketHandler,
} from '../validate.ts';
import type { LiveBudgets } from './budgets.ts';
import type { LiveChat } from './chat.ts';
import type { ViewerIds } from './viewer-ids.ts';
import type { ViewerPresence } from './viewer-presence.ts';

/** Reads a session's public state; commerce provides it. undefined → the session does not exist. */
export interface LiveSnapshotSource {
  load(sessionId: string): Promise<{ session: LiveSession; cards: Card[] } | undefined>;
}

/** Places an order exactly as the HTTP API does and returns what it would answer. */
export interface OrderPlacer {
  place(actor: Principal, body: Record<string, unknown>, idempotencyKey: string): Promise<HttpLikeReply>;
}

export interface LiveSocketData {
  principal: Principal | undefined;
  live: { sessionId: string; viewerId: string; ref: string | null; ch: string | null } | undefined;
}

export type LiveNamespace = Namespace<
  LiveClientToServer,
  LiveServerToClient,
  Record<string, never>,
  LiveSocketData
>;
type LiveSocket = Socket<LiveClientToServer, LiveServerToClient, Record<string, never>, LiveSocketData>;

export interface LiveNamespaceDeps {
  nsp: LiveNamespace;
  /** Commerce's viewer log, viewer links and session sequence. */
  viewers: Pick<Viewers, 'log' | 'link' | 'sessionSeq'>;
  logger: Logger;
  snapshots: LiveSnapshotSource;
  orders: OrderPlacer;
  /** Public URL of the media-enabled node(s) in multi-node mode; undefined → viewers use this origin. */
  mediaUrl?: string | undefined;
  /** Verifies an access token presented after connecting (a viewer who logs in mid-session). */
  authenticate: (token: string) => Promise<Principal>;
  /** Cards flagged for a person from their readings (consent-gated by commerce); absent → none. */
  recommend?: ((personId: string, sessionId: string) => Promise<LiveSnapshot['forYou']>) | undefined;
  presence: ViewerPresence;
  chat: LiveChat;
  counters: SocketCounters;
  /** Mints and checks the signed viewer ids. */
  viewerIds: ViewerIds;
  /** Per-socket and per-IP budgets, and the once-per-window rule for impressions and clicks. */
  budgets: LiveBudgets;
}

export const sessionRoom = (sessionId: string) => `s:${sessionId}`;
export const personRoom = (personId: string) => `p:${personId}`;

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const Code = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' });
const parseJoin = compile(
  Type.Object(
    {
      sessionId: Id,
      // The id the server gave this browser; absent, unsigned or forged → a fresh one is minted.
      viewerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' })),
      ref: Type.Optional(Code),
      ch: Type.Optional(Code),
    },
    { additionalProperties: false },
  ),
);
const parseSession = compile(Type.Object({ sessionId: Id }, { additionalProperties: false }));
const parseCard = compile(Type.Object({ sessionId: Id, cardId: Id }, { additionalProperties: false }));
const parseChat = compile(
  Type.Object({ sessionId: Id, text: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
);

const parseAuth = compile(
  Type.Object({ token: Type.String({ minLength: 16, maxLength: 4096 }) }, { additionalProperties: false }),
);
const parseOrder = compile(
  Type.Object(
    {
      sessionId: Id,
      idempotencyKey: IdempotencyKey,
      order: PlaceOrderBody,
    },
    { additionalProperties: false },
  ),
);

contractOf<LiveClientToServer>()({
  'live:join': parseJoin,
  'live:resync': parseSession,
  'live:leave': parseSession,
  'card:impression': parseCard,
  'card:click': parseCard,
  'chat:send': parseChat,
  'live:auth': parseAuth,
  'order:place': parseOrder,
});

function errorReply(err: unknown): HttpLikeReply {
  const coded = isVitaliveError(err) ? err : new VitaliveError('INTERNAL');
  return { status: coded.statusCode, body: coded.toJSON() };
}

export function registerLiveNamespace(deps: LiveNamespaceDeps): void {
  const { nsp, counters } = deps;

  // Joins arriving together (a link shared to thousands) share one read of the session.
  const reading = new Map<
    string,
    Promise<{ seq: number; state: Awaited<ReturnType<LiveSnapshotSource['load']>> }>
  >();
  function readSession(sessionId: string) {
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

  async function snapshot(sessionId: string): Promise<LiveSnapshot> {
    const { seq, state } = await readSession(sessionId);
    if (!state) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
    return {
      sessionId,
      seq,
      ...state,
      viewers: deps.presence.count(sessionId),
      serverTimeMs: Date.now(),
      media: { url: deps.mediaUrl ?? null, namespace: '/media' },
    };
  }

  async function forYou(personId: string | null, sessionId: string): Promise<Partial<LiveSnapshot>> {
    if (!personId || !deps.recommend) return {};
    const cards = await deps.recommend(personId, sessionId);
    return cards && cards.length > 0 ? { forYou: cards } : {};
  }

  function joined(socket: LiveSocket, sessionId: string) {
    const live = socket.data.live;
    if (!live || live.sessionId !== sessionId) throw new VitaliveError('LIVE_NOT_JOINED', { sessionId });
    return live;
  }

  function personOf(socket: LiveSocket): string | null {
    return socket.data.principal?.personId ?? null;
  }

  /** Presence and the event log see a viewer go (a leave, or a disconnect that may yet recover). */
  function watchEnded(socket: LiveSocket, live: NonNullable<LiveSocketData['live']>): void {
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

  function leave(socket: LiveSocket): void {
    const live = socket.data.live;
    if (!live) return;
    socket.data.live = undefined;
    void socket.leave(sessionRoom(live.sessionId));
    watchEnded(socket, live);
  }

  const onError = (err: unknown, socket: LiveSocket) =>
    deps.logger.error({ err, socket: socket.id }, 'live handler failed');
  /** Spends the socket's and its IP's budget, or refuses with RATE_LIMITED. */
  function spend(socket: LiveSocket, kind: 'join' | 'card'): void {
    const wait = deps.budgets.take(kind, socket.id, socket.handshake.address);
    if (wait > 0) throw new VitaliveError('RATE_LIMITED', { retryAfterSec: wait });
  }

  const cardEvent = (type: 'card.click' | 'card.impression') =>
    socketHandler(counters, parseCard, (socket: LiveSocket, p) => {
      const live = joined(socket, p.sessionId);
      spend(socket, 'card');
      // Counted once per viewer and card in the window; a repeat is not an error, just not news.
      if (!deps.budgets.firstInWindow(type, p.sessionId, live.viewerId, p.cardId)) {
        counters.repeatedCardEvents++;
        return;
      }
      deps.viewers.log.record({
        sessionId: p.sessionId,
        type,
        viewerId: live.viewerId,
        personId: personOf(socket),
        refCode: live.ref,
        chCode: live.ch,
        cardId: p.cardId,
      });
    });

  // Handlers are built once for the namespace; each socket only points at this table.
  const handlers: Record<keyof LiveClientToServer, SocketHandler<LiveSocket>> = {
    'live:join': socketHandler(
      counters,
      parseJoin,
      async (socket: LiveSocket, p) => {
        spend(socket, 'join');
        const snap = await snapshot(p.sessionId);
        if (socket.data.live) leave(socket);
        const { viewerId } = deps.viewerIds.accept(p.viewerId);
        const personId = personOf(socket);
        if (personId) await deps.viewers.link(viewerId, personId);
        socket.data.live = {
          sessionId: p.sessionId,
          viewerId,
          ref: p.ref ?? null,
          ch: p.ch ?? null,
        };
        await socket.join(sessionRoom(p.sessionId));
        deps.presence.add(p.sessionId, viewerId);
        deps.viewers.log.record({
          sessionId: p.sessionId,
          type: 'live.join',
          viewerId,
          personId,
          refCode: p.ref,
          chCode: p.ch,
        });
        return {
          ...snap,
          ...(await forYou(personId, p.sessionId)),
          viewers: deps.presence.count(p.sessionId),
          viewerId,
        };
      },
      onError,
    ),

    // Logging in during a session: the socket becomes the person's, and the viewer id is linked to them
    // so the funnel counts one unique viewer and the purchase is attributed.
    'live:auth': socketHandler(
      counters,
      parseAuth,
      async (socket: LiveSocket, p) => {
        const next = await deps.authenticate(p.token);
        const before = socket.data.principal;
        if (before && before.personId !== next.personId) await socket.leave(personRoom(before.personId));
        socket.data.principal = next;
        await socket.join(personRoom(next.personId));
        const live = socket.data.live;
        if (live) await deps.viewers.link(live.viewerId, next.personId);
        return { personId: next.personId };
      },
      onError,
    ),

    'live:resync': socketHandler(
      counters,
      parseSession,
      async (socket: LiveSocket, p) => {
        joined(socket, p.sessionId);
        return { ...(await snapshot(p.sessionId)), ...(await forYou(personOf(socket), p.sessionId)) };
      },
      onError,
    ),

    'live:leave': socketHandler(counters, parseSession, (socket: LiveSocket, p) => {
      joined(socket, p.sessionId);
      leave(socket);
    }),

    'card:impression': cardEvent('card.impression'),
    'card:click': cardEvent('card.click'),

    'chat:send': socketHandler(
      counters,
      parseChat,
      async (socket: LiveSocket, p) => {
        const live = joined(socket, p.sessionId);
        const message = await deps.chat.compose(
          {
            socketId: socket.id,
            ip: socket.handshake.address,
            sessionId: p.sessionId,
            viewerId: live.viewerId,
            personId: personOf(socket),
          },
          p.text,
        );
        nsp.to(sessionRoom(p.sessionId)).emit('chat:message', message);
        return { id: message.id };
      },
      onError,
    ),

    // Answers with exactly what POST /api/orders would (status and body), not the {ok, data} envelope.
    'order:place': async (socket, [raw, ack]) => {
      if (typeof ack !== 'function') {
        counters.invalidPayloads++;
        return;
      }
      const reply = ack as (r: HttpLikeReply) => void;
      try {
        let p: ReturnType<typeof parseOrder>;
        try {
          p = parseOrder(raw);
        } catch (err) {
          counters.invalidPayloads++;
          throw err;
        }
        joined(socket, p.sessionId);
        const principal = socket.data.principal;
        if (!principal) throw new VitaliveError('AUTH_REQUIRED');
        if (principal.expiresAtMs <= Date.now()) throw new VitaliveError('AUTH_INVALID_TOKEN');
        reply(await deps.orders.place(principal, p.order, p.idempotencyKey));
      } catch (err) {
        if (!isVitaliveError(err)) {
          counters.handlerErrors++;
          onError(err, socket);
        }
        reply(errorReply(err));
      }
    },
  };
  const dispatch = dispatcher(handlers, counters);

  function onDisconnect(this: LiveSocket): void {
    // Keep socket.data.live for state recovery; only presence and the log see the leave.
    if (this.data.live) watchEnded(this, this.data.live);
  }

  nsp.on('connection', (socket: LiveSocket) => {
    socket.onAny(dispatch);
    socket.on('disconnect', onDisconnect);
    const principal = socket.data.principal;
    if (principal) void socket.join(personRoom(principal.personId));
    // A recovered socket comes back with its rooms and data; count it as watching again.
    if (socket.recovered && socket.data.live)
      deps.presence.add(socket.data.live.sessionId, socket.data.live.viewerId);
  });
}
