// Builds what the /staff stream shows from the live-funnel rollups and viewer presence: per live
// session totals for staff, and for a channel manager only the rows of their own channels.
import type { ConversionFigures, FunnelRow } from '../../../commerce/index.ts';
import type { MediaStats } from '../../../media/index.ts';

export interface LiveSessionInfo {
  id: string;
  title: string;
}

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

export interface StaffFigures {
  atMs: number;
  sessions: SessionFigures[];
  /** Staff and admins only. */
  devices?: DeviceFigures;
  /** Staff and admins only, on media-enabled nodes: per room and per worker. */
  media?: MediaStats;
  /** Channels, offline events and AARRR (a channel manager: their own channels' rows only). */
  conversion?: ConversionFigures;
  /** Staff and admins only: verified payments no order could take, not yet refunded. */
  payments?: { orphaned: number };
}

function ratio(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0;
}

/** Sums funnel rows per session; `channels` (when given) keeps only those channels' rows. */
export function buildFigures(
  sessions: LiveSessionInfo[],
  rows: FunnelRow[],
  viewersNow: ((sessionId: string) => number) | undefined,
  channels: ReadonlySet<string> | undefined,
): SessionFigures[] {
  return sessions.map((s) => {
    const mine = rows.filter((r) => r.sessionId === s.id && (!channels || channels.has(r.channelId)));
    const sum = (
      k: keyof Pick<
        FunnelRow,
        'uniqueViewers' | 'clickers' | 'clicks' | 'buyers' | 'ordersPlaced' | 'ordersPaid' | 'paidGmvMinor'
      >,
    ) => mine.reduce((acc, r) => acc + r[k], 0);
    const uniqueViewers = sum('uniqueViewers');
    const figures: SessionFigures = {
      sessionId: s.id,
      title: s.title,
      uniqueViewers,
      clickers: sum('clickers'),
      clicks: sum('clicks'),
      buyers: sum('buyers'),
      ordersPlaced: sum('ordersPlaced'),
      ordersPaid: sum('ordersPaid'),
      paidGmvMinor: sum('paidGmvMinor'),
      currency: mine.find((r) => r.currency)?.currency ?? null,
      conversion: { joinToClick: 0, joinToOrder: 0, joinToPaid: 0, orderToPaid: 0 },
    };
    figures.conversion = {
      joinToClick: ratio(figures.clickers, uniqueViewers),
      joinToOrder: ratio(figures.buyers, uniqueViewers),
      joinToPaid: ratio(figures.ordersPaid, uniqueViewers),
      orderToPaid: ratio(figures.ordersPaid, figures.ordersPlaced),
    };
    if (viewersNow) figures.viewersNow = viewersNow(s.id);
    return figures;
  });
}
