// The /staff namespace contract: staff, admins and channel managers receive a snapshot on connect and
// then updates (at most every 500 ms, only when a figure changed). They send nothing.
import type { Aarrr, ChannelFunnel, EventFunnel, Period } from '../http/metrics.ts';

export interface SessionFigures {
  sessionId: string;
  title: string;
  /** Viewers watching right now (all channels); absent for channel managers. */
  viewersNow?: number;
  uniqueViewers: number;
  clickers: number;
  clicks: number;
  buyers: number;
  ordersPlaced: number;
  ordersPaid: number;
  paidGmvMinor: number;
  currency: string | null;
  /** Share of unique viewers who clicked / bought / paid (0..1), and of buyers who paid. */
  conversion: { joinToClick: number; joinToOrder: number; joinToPaid: number; orderToPaid: number };
}

export interface DeviceFigures {
  online: number;
  readingsPerMinute: number;
}

/** One SFU room as the media node measures it. */
export interface MediaRoomFigures {
  sessionId: string;
  producers: number;
  consumers: number;
  routers: number;
  bitrateInBps: number;
  bitrateOutBps: number;
  /** Mean fraction of packets lost as reported by receivers (0..1). */
  lossFraction: number;
  /** Mean round-trip time to receivers, ms; 0 when no receiver reported one yet. */
  rttMs: number;
}

/** One mediasoup worker. */
export interface MediaWorkerFigures {
  index: number;
  pid: number | undefined;
  state: string;
  deaths: number;
  consumers: number;
  routers: number;
  /** Share of one core used since the previous sample (0..100). */
  cpuPercent: number;
}

export interface MediaFigures {
  rooms: MediaRoomFigures[];
  workers: MediaWorkerFigures[];
}

/** Channels, offline events and AARRR over the last 30 UTC days. */
export interface ConversionFigures {
  period: Period;
  channels: ChannelFunnel[];
  events: EventFunnel[];
  aarrr: Aarrr;
}

/**
 * One of the newest orders (the last 24 hours) on the dashboard's live list: the buyer's name, the
 * product, the amount and status, the buyer's channel now. A channel manager gets only their channels'.
 */
export interface LiveOrder {
  orderId: string;
  buyerName: string;
  /** The product's title per locale. */
  productTitles: Record<string, string>;
  quantity: number;
  totalMinor: number;
  currency: string;
  status: string;
  channelId: string | null;
  channelName: string | null;
  createdAtMs: number;
}

export interface StaffFigures {
  atMs: number;
  sessions: SessionFigures[];
  /** Staff and admins only. */
  devices?: DeviceFigures;
  /** Staff and admins only, on media-enabled nodes: per room and per worker. */
  media?: MediaFigures;
  /** A channel manager: their own channels' rows only. */
  conversion?: ConversionFigures;
  /** Staff and admins only: verified payments no order could take, not yet refunded. */
  payments?: { orphaned: number };
  /** The newest orders, newest first (a channel manager: their channels' buyers only). */
  orders?: LiveOrder[];
}

/**
 * An alert on a reading, sent only to the people the rule names: the person's experts and the staff of
 * their clinics. The metric and the rule's message, never the value.
 */
export interface StaffAlertFrame {
  alertId: string;
  personId: string;
  metric: string;
  severity: 'info' | 'warning' | 'urgent';
  message: string;
  /** When the reading reached the platform (epoch ms). */
  recordedAtMs: number;
}

/**
 * A follow-up changed (stage, owner, a task, a note, a milestone the system recorded): the console
 * re-reads the row. Ids and the new stage only — never a note's text, a reading or a name. Sent to
 * staff, the managers of the record's channel and its owner; a `tested` milestone to staff only.
 */
export interface FollowUpFrame {
  followUpId: string;
  personId: string;
  channelId: string;
  change:
    | 'created'
    | 'stage_changed'
    | 'owner_changed'
    | 'milestone'
    | 'note_added'
    | 'task_added'
    | 'task_done'
    | 'task_undone';
  /** stage_changed, created: the stage now. */
  stage?: string;
  /** milestone: which one (invited, attended, first_order, paid, referred, tested). */
  milestone?: string;
  atMs: number;
}

export interface StaffServerToClient {
  'staff:snapshot': (figures: StaffFigures) => void;
  'staff:update': (figures: StaffFigures) => void;
  'staff:alert': (alert: StaffAlertFrame) => void;
  'staff:follow-up': (frame: FollowUpFrame) => void;
}

/** Clients send nothing on /staff; anything they send is counted as an unknown event. */
export type StaffClientToServer = Record<string, never>;
