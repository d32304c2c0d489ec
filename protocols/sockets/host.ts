// The /host namespace contract: a session's host (or staff) runs the console — goes live or ends, pins
// and unpins cards, starts countdowns, moderates chat — and watches the viewer count, new orders and the
// session's sales. Buyer names go to the host room only, never to /live.
import type { Localised } from '../http/common.ts';
import type { Card, LiveSession } from '../http/live-sessions.ts';
import type { Ack } from './ack.ts';
import type { OrderFrame } from './live.ts';

/** One order in the host's sales feed: the buyer by display name (for shout-outs) and the product. */
export interface SaleLine {
  orderId: string;
  cardId: string;
  buyerName: string;
  titles: Localised;
  quantity: number;
  totalMinor: number;
  currency: string;
  status: string;
  createdAtMs: number;
}

/** GMV of a session in one currency: sold (placed or paid, not cancelled, expired or refunded) and paid. */
export interface SalesTotal {
  currency: string;
  gmvMinor: number;
  paidMinor: number;
}

/** The answer to `host:sales`: the session's sales so far and its latest orders, newest first. */
export interface SessionSales {
  sessionId: string;
  /** Orders placed and not cancelled, expired or refunded; their units. */
  orders: number;
  units: number;
  paidOrders: number;
  totals: SalesTotal[];
  recent: SaleLine[];
}

/** order:new as the host gets it: the order frame plus the buyer's display name and the product. */
export interface HostOrderFrame extends OrderFrame {
  buyerName?: string;
  titles?: Localised;
}

export interface HostClientToServer {
  'host:join': (p: { sessionId: string }, ack: Ack<{ sessionId: string }>) => void;
  /** The session's sales so far (orders, units, GMV) and its latest orders with buyer names. */
  'host:sales': (p: { sessionId: string }, ack: Ack<SessionSales>) => void;
  'session:go_live': (p: { sessionId: string }, ack: Ack<LiveSession>) => void;
  'session:end': (p: { sessionId: string }, ack: Ack<LiveSession>) => void;
  'card:pin': (p: { sessionId: string; cardId: string }, ack: Ack<Card>) => void;
  'card:unpin': (p: { sessionId: string; cardId: string }, ack: Ack<Card>) => void;
  'card:countdown': (
    p: { sessionId: string; cardId: string; startsAtMs: number; endsAtMs: number },
    ack: Ack<Card>,
  ) => void;
  'chat:delete': (p: { sessionId: string; messageId: string }, ack: Ack<null>) => void;
  /** Mutes a viewer (and the person their viewer id is linked to) for up to a day. */
  'chat:mute': (
    p: { sessionId: string; viewerId?: string; personId?: string; durationSec: number },
    ack: Ack<null>,
  ) => void;
}

export interface HostServerToClient {
  'viewers:count': (frame: { sessionId: string; viewers: number }) => void;
  /**
   * An order of this console's session placed or changing status (paid, cancelled, expired, refunded…),
   * with the buyer's display name and the product when known.
   */
  'order:new': (frame: HostOrderFrame) => void;
}
