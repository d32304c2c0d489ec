// The /live namespace contract (viewers). Every server event that belongs to a session carries `seq`,
// the per-session sequence: a client that sees a gap asks for a fresh snapshot with `live:resync`.
import type { ErrorCode, ErrorParams } from './errors.ts';

/** What every ack carries: a result, or a coded error. */
export type Ack<T> = (
  response:
    | { ok: true; data: T }
    | { ok: false; error: { code: ErrorCode; message: string; params: ErrorParams } },
) => void;

export interface LiveJoinPayload {
  sessionId: string;
  /**
   * The viewer id the server gave this browser at an earlier join (kept by the browser). Omitted, or
   * not one the server signed, and a fresh id is minted: the snapshot's `viewerId` is the one to keep.
   */
  viewerId?: string;
  /** Referral code from the share link (?ref=). */
  ref?: string;
  /** Channel code from the share link (?ch=). */
  ch?: string;
}

export interface LiveCardView {
  cardId: string;
  [field: string]: unknown;
}

export interface LiveSnapshot {
  sessionId: string;
  /** The session sequence this snapshot is current at; later events have seq > this. */
  seq: number;
  session: Record<string, unknown>;
  cards: LiveCardView[];
  viewers: number;
  serverTimeMs: number;
  /** Where to open the SFU signalling for this session: socket.io `namespace` at `url` (null: this origin). */
  media: { url: string | null; namespace: '/media' };
  /**
   * Cards that suit the signed-in viewer's recent readings ("for your body-fat goal"); present only for
   * a person who consented to health-data use and has a recent reading. Covers every card of the
   * session at join/resync time (pinned or not yet), so a card pinned later is already flagged.
   */
  forYou?: Array<{ cardId: string; metric: string; goal: string }>;
  /** In the answer to `live:join`: this viewer's id, minted and signed by the server; keep it. */
  viewerId?: string;
}

export interface SessionEventFrame {
  sessionId: string;
  seq: number;
  [field: string]: unknown;
}

export interface ChatMessage {
  id: string;
  sessionId: string;
  /** The author's viewer id (server-signed); a host mutes by it. No person id is ever broadcast. */
  viewerId: string;
  /** Chosen by the server. */
  name: string;
  text: string;
  atMs: number;
}

export interface LiveServerToClient {
  'card:pinned': (frame: SessionEventFrame) => void;
  'card:unpinned': (frame: SessionEventFrame) => void;
  'card:sold_out': (frame: SessionEventFrame) => void;
  /** A pinned card changed (countdown window, price): the frame carries the whole card. */
  'card:updated': (frame: SessionEventFrame) => void;
  'stock:changed': (frame: SessionEventFrame) => void;
  'session:state': (frame: SessionEventFrame) => void;
  'order:update': (frame: SessionEventFrame) => void;
  /** A session event not meant for this client: advances its sequence without content. */
  'seq:skip': (frame: { sessionId: string; seq: number }) => void;
  /** Coalesced: at most twice a second. */
  'viewers:count': (frame: { sessionId: string; viewers: number }) => void;
  'chat:message': (message: ChatMessage) => void;
  'chat:deleted': (frame: { sessionId: string; messageId: string }) => void;
}

export interface LiveClientToServer {
  'live:join': (payload: LiveJoinPayload, ack: Ack<LiveSnapshot>) => void;
  'live:resync': (payload: { sessionId: string }, ack: Ack<LiveSnapshot>) => void;
  'live:leave': (payload: { sessionId: string }, ack?: Ack<null>) => void;
  'card:impression': (payload: { sessionId: string; cardId: string }) => void;
  'card:click': (payload: { sessionId: string; cardId: string }) => void;
  'chat:send': (payload: { sessionId: string; text: string }, ack: Ack<{ id: string }>) => void;
  /** Log in mid-session with a fresh access token: links this viewer id to the person. */
  'live:auth': (payload: { token: string }, ack: Ack<{ personId: string }>) => void;
  /** Same body and answer as `POST /api/orders` with this Idempotency-Key; needs a logged-in member. */
  'order:place': (payload: OrderPlacePayload, ack: (reply: HttpLikeReply) => void) => void;
}

export interface OrderPlacePayload {
  sessionId: string;
  idempotencyKey: string;
  /** The body of `POST /api/orders`, validated against the same schema. */
  order: OrderPlaceBody;
}

export interface OrderPlaceBody {
  cardId: string;
  quantity: number;
  provider?: 'manual' | 'webhook';
  fulfilment:
    | { method: 'pickup'; clinic: string }
    | { method: 'delivery'; address: Record<string, string | undefined> };
  /**
   * Apply up to this much of the buyer's available referral credit (minor units of the card's
   * currency), capped at the configured share of the order; 409 CREDIT_UNAVAILABLE at a balance ≤ 0.
   */
  redeemCreditMinor?: number;
}

/** What the HTTP API would have answered: its status code and JSON body. */
export interface HttpLikeReply {
  status: number;
  body: unknown;
}
