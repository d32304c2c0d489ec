// The /host namespace: only a session's host (or staff) may join its console. From here the host goes
// live or ends, pins and unpins cards, starts countdowns, watches orders and the viewer count, and
// moderates chat. Commerce performs the actions; this file checks who may ask.
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { Type } from 'typebox';
import {
  type Card,
  type HostClientToServer,
  type HostServerToClient,
  isVitaliveError,
  type LiveSession,
  VitaliveError,
} from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import type { SocketAccess } from '../access.ts';
import type { LiveChat } from '../live/chat.ts';
import type { LiveNamespace } from '../live/namespace.ts';
import { sessionRoom } from '../live/namespace.ts';
import { compile, contractOf, countUnknownEvents, handle, type SocketCounters } from '../validate.ts';

/** Commerce operations the console triggers, on behalf of the acting person. */
export interface HostActions {
  hostOf(sessionId: string): Promise<string | undefined>;
  goLive(actor: Principal, sessionId: string): Promise<LiveSession>;
  end(actor: Principal, sessionId: string): Promise<LiveSession>;
  pin(actor: Principal, sessionId: string, cardId: string): Promise<Card>;
  unpin(actor: Principal, sessionId: string, cardId: string): Promise<Card>;
  countdown(
    actor: Principal,
    sessionId: string,
    cardId: string,
    startsAtMs: number,
    endsAtMs: number,
  ): Promise<Card>;
}

export type HostNamespace = Namespace<
  HostClientToServer,
  HostServerToClient,
  Record<string, never>,
  { principal: Principal | undefined }
>;
type HostSocket = Socket<
  HostClientToServer,
  HostServerToClient,
  Record<string, never>,
  { principal: Principal | undefined }
>;

export const hostRoom = (sessionId: string) => `h:${sessionId}`;
/** Every console socket of a person who is not staff: let go together when a session changes host. */
export const hostPersonRoom = (personId: string) => `hp:${personId}`;

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const parseSession = compile(Type.Object({ sessionId: Id }, { additionalProperties: false }));
const parseCard = compile(Type.Object({ sessionId: Id, cardId: Id }, { additionalProperties: false }));
const parseCountdown = compile(
  Type.Object(
    {
      sessionId: Id,
      cardId: Id,
      startsAtMs: Type.Integer({ minimum: 0 }),
      endsAtMs: Type.Integer({ minimum: 0 }),
    },
    { additionalProperties: false },
  ),
);
const parseDelete = compile(Type.Object({ sessionId: Id, messageId: Id }, { additionalProperties: false }));
const parseMute = compile(
  Type.Object(
    {
      sessionId: Id,
      viewerId: Type.Optional(Id),
      personId: Type.Optional(Id),
      /** Up to a day. */
      durationSec: Type.Integer({ minimum: 1, maximum: 86_400 }),
    },
    { additionalProperties: false },
  ),
);

contractOf<HostClientToServer>()({
  'host:join': parseSession,
  'session:go_live': parseSession,
  'session:end': parseSession,
  'card:pin': parseCard,
  'card:unpin': parseCard,
  'card:countdown': parseCountdown,
  'chat:delete': parseDelete,
  'chat:mute': parseMute,
});

const KNOWN = new Set([
  'host:join',
  'session:go_live',
  'session:end',
  'card:pin',
  'card:unpin',
  'card:countdown',
  'chat:delete',
  'chat:mute',
]);

export interface HostNamespaceDeps {
  nsp: HostNamespace;
  live: LiveNamespace;
  actions: HostActions;
  chat: LiveChat;
  logger: Logger;
  counters: SocketCounters;
  /** Re-checks the token's expiry and the person's current roles before every action. */
  access: SocketAccess;
  /** The person a viewer id is linked to: a mute follows the person, not just that browser. */
  personOfViewer: (viewerId: string) => Promise<string | undefined>;
}

export function registerHostNamespace(deps: HostNamespaceDeps): void {
  const { actions } = deps;

  async function mayHost(principal: Principal, sessionId: string): Promise<void> {
    if (principal.roles.includes('staff') || principal.roles.includes('admin')) return;
    const host = await actions.hostOf(sessionId);
    if (host === undefined) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
    if (host !== principal.personId)
      throw new VitaliveError('FORBIDDEN', { reason: 'only the host of this session' });
  }

  deps.nsp.on('connection', (socket: HostSocket) => {
    countUnknownEvents(socket, KNOWN, deps.counters);
    const handshake = socket.data.principal!;
    if (!handshake.roles.includes('staff') && !handshake.roles.includes('admin'))
      void socket.join(hostPersonRoom(handshake.personId));
    const onError = (err: unknown) => deps.logger.error({ err }, 'host handler failed');
    // Every action is checked against the person as they are now, not as the handshake saw them: the
    // token may have expired, the sessions been ended, the staff role taken away.
    const guarded = <T extends { sessionId: string }>(
      parse: (v: unknown) => T,
      fn: (p: T, principal: Principal) => Promise<unknown>,
    ) =>
      handle(
        deps.counters,
        parse,
        async (p: T) => {
          let principal: Principal;
          try {
            principal = await deps.access.current(handshake);
          } catch (err) {
            // Refused, then let go: the console reconnects with a fresh token (or not at all).
            if (isVitaliveError(err) && err.code === 'AUTH_INVALID_TOKEN')
              setImmediate(() => socket.disconnect(true));
            throw err;
          }
          await mayHost(principal, p.sessionId);
          return fn(p, principal);
        },
        onError,
      );

    socket.on(
      'host:join',
      guarded(parseSession, async (p) => {
        await socket.join(hostRoom(p.sessionId));
        return { sessionId: p.sessionId };
      }),
    );
    socket.on(
      'session:go_live',
      guarded(parseSession, (p, principal) => actions.goLive(principal, p.sessionId)),
    );
    socket.on(
      'session:end',
      guarded(parseSession, (p, principal) => actions.end(principal, p.sessionId)),
    );
    socket.on(
      'card:pin',
      guarded(parseCard, (p, principal) => actions.pin(principal, p.sessionId, p.cardId)),
    );
    socket.on(
      'card:unpin',
      guarded(parseCard, (p, principal) => actions.unpin(principal, p.sessionId, p.cardId)),
    );
    socket.on(
      'card:countdown',
      guarded(parseCountdown, (p, principal) =>
        actions.countdown(principal, p.sessionId, p.cardId, p.startsAtMs, p.endsAtMs),
      ),
    );
    socket.on(
      'chat:delete',
      guarded(parseDelete, async (p) => {
        deps.live
          .to(sessionRoom(p.sessionId))
          .emit('chat:deleted', { sessionId: p.sessionId, messageId: p.messageId });
        return null;
      }),
    );
    socket.on(
      'chat:mute',
      guarded(parseMute, async (p) => {
        const personId = p.personId ?? (p.viewerId ? await deps.personOfViewer(p.viewerId) : undefined);
        await deps.chat.mute(
          p.sessionId,
          {
            ...(p.viewerId ? { viewerId: p.viewerId } : {}),
            ...(personId ? { personId } : {}),
          },
          p.durationSec * 1000,
        );
        return null;
      }),
    );
  });
}
