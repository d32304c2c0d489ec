// The /live namespace contract (viewers). Every server event that belongs to a session carries `seq`,
// the per-session sequence: a client that sees a gap asks for a fresh snapshot with `live:resync`.
import type { Card, LiveSession } from '../http/live-sessions.ts';
import type { OrderStatus, PlaceOrderBody } from '../http/orders.ts';
import type { Ack } from './ack.ts';

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

/** A card that suits the signed-in viewer's recent readings ("for your body-fat goal"). */
export interface ForYouCard {
  cardId: string;
  metric: string;
  goal: string;
}

export interface LiveSnapshot {
  sessionId: string;
  /** The session sequence this snapshot is current at; later events have seq > this. */
  seq: number;
  session: LiveSession;
  cards: Card[];
  viewers: number;
  serverTimeMs: number;
  /** Where to open the SFU signalling for this session: socket.io `namespace` at `url` (null: this origin). */
  media: { url: string | null; namespace: '/media' };
  /**
   * Cards that suit the signed-in viewer's recent readings; present only for a person who consented to
   * health-data use and has a recent reading. Covers every card of the session at join/resync time
   * (pinned or not yet), so a card pinned later is already flagged.
   */
  forYou?: ForYouCard[];
  /** Cards of products the signed-in viewer's expert recommended in a consultation ("recommended by your expert"). */
  byYourExpert?: string[];
  /** In the answer to `live:join`: this viewer's id, minted and signed by the server; keep it. */
  viewerId?: string;
}

/** What every session frame carries: its session, its place in the sequence and the domain event's type. */
export interface SessionEventFrame {
  sessionId: string;
  seq: number;
  type: string;
}

/** card:pinned, card:updated: the whole card as it is now. */
export interface CardFrame extends SessionEventFrame {
  card: Card;
}

/** card:unpinned (also an expired card) and card:sold_out: the card, or at least its id. */
export interface CardGoneFrame extends SessionEventFrame {
  card?: Card;
  cardId?: string;
  remaining?: number;
  state?: string;
}

/** stock:changed: the units left on a card (absolute), and its state when that changed too. */
export interface StockFrame extends SessionEventFrame {
  cardId: string;
  remaining: number;
  state?: string;
}

/** session:state: the session went live, ended or changed host. */
export interface SessionStateFrame extends SessionEventFrame {
  session: LiveSession;
  previousHostPersonId?: string;
}

/** order:update (the buyer's own sockets only) and the host's order:new. */
export interface OrderFrame extends SessionEventFrame {
  orderId: string;
  personId: string;
  cardId: string;
  quantity: number;
  totalMinor: number;
  creditMinor: number;
  currency: string;
  status: OrderStatus;
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
  'card:pinned': (frame: CardFrame) => void;
  'card:unpinned': (frame: CardGoneFrame) => void;
  'card:sold_out': (frame: CardGoneFrame) => void;
  /** A pinned card changed (countdown window, price): the frame carries the whole card. */
  'card:updated': (frame: CardFrame) => void;
  'stock:changed': (frame: StockFrame) => void;
  'session:state': (frame: SessionStateFrame) => void;
  'order:update': (frame: OrderFrame) => void;
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
  order: PlaceOrderBody;
}

/** What the HTTP API would have answered: its status code and JSON body. */
export interface HttpLikeReply {
  status: number;
  body: unknown;
}
