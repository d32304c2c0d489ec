// Builds what the /staff stream shows from the live-funnel rollups and viewer presence: per live
// session totals for staff, and for a channel manager only the rows of their own channels.
import type { FunnelRow } from '../../../commerce/index.ts';
import type { SessionFigures } from '../../../protocols/index.ts';

// The stream's payload is a wire contract (protocols/sockets/staff.ts); these names stay for the server.
export type { DeviceFigures, SessionFigures, StaffFigures } from '../../../protocols/index.ts';

export interface LiveSessionInfo {
  id: string;
  title: string;
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
