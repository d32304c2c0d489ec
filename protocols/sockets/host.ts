// The /host namespace contract: a session's host (or staff) runs the console — goes live or ends, pins
// and unpins cards, starts countdowns, moderates chat — and watches the viewer count and new orders.
import type { Card, LiveSession } from '../http/live-sessions.ts';
import type { Ack } from './ack.ts';
import type { OrderFrame } from './live.ts';

export interface HostClientToServer {
  'host:join': (p: { sessionId: string }, ack: Ack<{ sessionId: string }>) => void;
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
  /** An order placed or paid on one of this console's sessions. */
  'order:new': (frame: OrderFrame) => void;
}
