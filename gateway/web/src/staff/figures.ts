// The shapes the /staff stream and the metrics API send (as far as the pages read them), and the
// stream itself: one socket per page, its latest figures and the paid-GMV points seen so far.
import type { Socket } from 'socket.io-client';
import { connect } from '../common/socket.ts';

export interface Funnel {
  channelId: string;
  invited: number;
  attended: number;
  tested: number;
  bought: number;
  ordersPaid: number;
  paidGmvMinor: number;
  netGmvMinor: number;
  commissionMinor: number;
}

export interface SessionFigures {
  sessionId: string;
  title: string;
  viewersNow?: number;
  uniqueViewers: number;
  clickers: number;
  buyers: number;
  ordersPlaced: number;
  ordersPaid: number;
  paidGmvMinor: number;
  currency: string | null;
}

export interface Aarrr {
  period: { fromMs: number; toMs: number };
  acquisition: { newPeople: number };
  activation: { activated: number };
  retention: { firstBuyers: number; repeat30: number; rate30: number };
  referral: { signups: number; referredSignups: number; referredShare: number };
  revenue: { paidGmvMinor: number; netGmvMinor: number; userBase: number; arpuMinor: number };
}

export interface StaffFigures {
  atMs: number;
  sessions: SessionFigures[];
  devices?: { online: number; readingsPerMinute: number };
  conversion?: {
    period: { fromMs: number; toMs: number };
    channels: Funnel[];
    events: Array<{ eventId: string; total: Funnel; channels: Funnel[] }>;
    aarrr: Aarrr;
  };
}

export interface Referrer {
  referrerId: string;
  signups: number;
  ordersPaid: number;
  paidGmvMinor: number;
  netGmvMinor: number;
}

/** Money in the figures is in the shop's currency; the sessions name it once they have sales. */
export function currencyOf(f: StaffFigures | undefined): string {
  return f?.sessions.find((s) => s.currency)?.currency ?? 'CNY';
}

export interface StreamState {
  connected: boolean;
  figures: StaffFigures | undefined;
  /** Local time each payload arrived (for the order → dashboard latency). */
  receivedAtMs: number;
  gmv: Array<{ atMs: number; value: number }>;
}

/** Opens /staff and calls `onChange` with every snapshot / update; returns the socket to close. */
export function openStream(onChange: (s: StreamState) => void): Socket {
  const state: StreamState = { connected: false, figures: undefined, receivedAtMs: 0, gmv: [] };
  const socket = connect('/staff');
  const take = (f: StaffFigures) => {
    state.figures = f;
    state.receivedAtMs = Date.now();
    const paid = f.conversion?.aarrr.revenue.paidGmvMinor;
    if (paid !== undefined) {
      const last = state.gmv.at(-1);
      if (!last || last.value !== paid || state.gmv.length === 1)
        state.gmv = [...state.gmv, { atMs: f.atMs, value: paid }];
    }
    onChange({ ...state });
  };
  socket.on('connect', () => {
    state.connected = true;
    onChange({ ...state });
  });
  socket.on('disconnect', () => {
    state.connected = false;
    onChange({ ...state });
  });
  socket.on('staff:snapshot', take);
  socket.on('staff:update', take);
  return socket;
}
