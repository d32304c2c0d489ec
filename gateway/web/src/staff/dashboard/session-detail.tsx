// One live session's figures, read from the metrics API whenever the stream ticks.
import type { SessionFunnel as SessionMetrics } from '../../../../../protocols/index.ts';
import { api } from '../../common/api.ts';
import { formatNumber } from '../../common/i18n.ts';
import { AsyncView, useAsync } from '../../common/ui.tsx';
import { ts } from '../messages.ts';

export function SessionDetail({
  id,
  money,
  tick,
}: {
  id: string;
  money: (m: number) => string;
  tick: number;
}) {
  const state = useAsync(
    (signal) => api.get<SessionMetrics>(`/api/metrics/sessions/${id}`, { signal }),
    [id, tick],
  );
  return (
    <div class="detail" aria-live="polite">
      <h3>{ts('details')}</h3>
      <AsyncView state={state}>
        {(m) => (
          <dl class="figures">
            <dt>{ts('joined')}</dt>
            <dd>{m.uniqueViewers}</dd>
            <dt>{ts('clicked')}</dt>
            <dd>{m.clicks}</dd>
            <dt>{ts('ordered')}</dt>
            <dd>{m.ordersPlaced}</dd>
            <dt>{ts('paid')}</dt>
            <dd>{m.ordersPaid}</dd>
            <dt>{ts('refund')}</dt>
            <dd>{m.ordersRefunded}</dd>
            <dt>{ts('gmv')}</dt>
            <dd>{money(m.paidGmvMinor - m.refundedGmvMinor)}</dd>
            <dt>{`${ts('joined')} → ${ts('paid')}`}</dt>
            <dd>{formatNumber(m.conversion.joinToPaid * 100, 1)}%</dd>
          </dl>
        )}
      </AsyncView>
    </div>
  );
}
