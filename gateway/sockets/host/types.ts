// The /host namespace's types: its sockets, the commerce actions the console triggers, and what the
// namespace needs from the platform.
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type {
  Card,
  HostClientToServer,
  HostServerToClient,
  LiveSession,
  SaleLine,
  SessionSales,
} from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import type { SocketAccess } from '../access.ts';
import type { LiveChat } from '../live/chat.ts';
import type { LiveNamespace } from '../live/types.ts';
import type { SocketCounters } from '../validate.ts';

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
  /** The session's sales with buyer names: only ever answered to its host or staff. */
  sales(sessionId: string): Promise<SessionSales>;
  /** An order's buyer display name and product titles, for the host's order:new frame. */
  saleLabel(personId: string, cardId: string): Promise<Pick<SaleLine, 'buyerName' | 'titles'> | undefined>;
}

interface HostSocketData {
  principal: Principal | undefined;
}

export type HostNamespace = Namespace<
  HostClientToServer,
  HostServerToClient,
  Record<string, never>,
  HostSocketData
>;
export type HostSocket = Socket<
  HostClientToServer,
  HostServerToClient,
  Record<string, never>,
  HostSocketData
>;

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
