// The /staff stream: one socket per page and its latest figures. The
// shapes it and the metrics API send are wire contracts (protocols/sockets/staff.ts, http/metrics.ts).
import type {
  Aarrr,
  ChannelFunnel,
  Referrer,
  SessionFigures,
  StaffFigures,
} from '../../../../protocols/index.ts';
import { connect, type NamespaceSocket } from '../common/socket.ts';

export type { Aarrr, ChannelFunnel as Funnel, Referrer, SessionFigures, StaffFigures };

/** Money in the figures is in the shop's currency; the sessions name it once they have sales. */
export function currencyOf(f: StaffFigures | undefined): string {
  return f?.sessions.find((s) => s.currency)?.currency ?? 'CNY';
}

export interface StreamState {
  connected: boolean;
  figures: StaffFigures | undefined;
  /** Local time each payload arrived (for the order → dashboard latency). */
  receivedAtMs: number;
}

/** Opens /staff and calls `onChange` with every snapshot / update; returns the socket to close. */
export function openStream(onChange: (s: StreamState) => void): NamespaceSocket<'/staff'> {
  const state: StreamState = { connected: false, figures: undefined, receivedAtMs: 0 };
  const socket = connect('/staff');
  const take = (f: StaffFigures) => {
    state.figures = f;
    state.receivedAtMs = Date.now();
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
