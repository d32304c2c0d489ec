// The /live namespace's types: its sockets, what it needs from the platform, and the ports commerce
// answers (a session's public state, order placement).
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { Viewers } from '../../../commerce/index.ts';
import type {
  Card,
  HttpLikeReply,
  LiveClientToServer,
  LiveServerToClient,
  LiveSession,
  LiveSnapshot,
} from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import type { SocketCounters } from '../validate.ts';
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
  live:
    | {
        sessionId: string;
        viewerId: string;
        ref: string | null;
        ch: string | null;
        /**
         * Whether this socket is an audience member: false for the session's own host and for staff
         * watching as a preview, who receive every frame but never count as viewers nor in the funnel.
         */
        counted: boolean;
      }
    | undefined;
}

/** What a socket is watching once it joined a session. */
export type Watching = NonNullable<LiveSocketData['live']>;

export type LiveNamespace = Namespace<
  LiveClientToServer,
  LiveServerToClient,
  Record<string, never>,
  LiveSocketData
>;
export type LiveSocket = Socket<
  LiveClientToServer,
  LiveServerToClient,
  Record<string, never>,
  LiveSocketData
>;

export interface LiveNamespaceDeps {
  nsp: LiveNamespace;
  /** Commerce's viewer log, viewer links and session sequence. */
  viewers: Pick<Viewers, 'log' | 'link' | 'sessionSeq'>;
  logger: Logger;
  snapshots: LiveSnapshotSource;
  orders: OrderPlacer;
  /** Public URL of the media-enabled node(s) in multi-node mode; undefined → viewers use this origin. */
  mediaUrl?: string | undefined;
  /** With several media nodes: the node this viewer should open /media on now (undefined → mediaUrl). */
  mediaNode?: ((sessionId: string) => Promise<string | undefined>) | undefined;
  /** Verifies an access token presented after connecting (a viewer who logs in mid-session). */
  authenticate: (token: string) => Promise<Principal>;
  /** Cards flagged for a person from their readings (consent-gated by commerce); absent → none. */
  recommend?: ((personId: string, sessionId: string) => Promise<LiveSnapshot['forYou']>) | undefined;
  /** Cards of the session whose product the person's expert recommended. */
  expertPicks?: ((personId: string, sessionId: string) => Promise<string[]>) | undefined;
  presence: ViewerPresence;
  chat: LiveChat;
  counters: SocketCounters;
  /** Mints and checks the signed viewer ids. */
  viewerIds: ViewerIds;
  /** Per-socket and per-IP budgets, and the once-per-window rule for impressions and clicks. */
  budgets: LiveBudgets;
}
