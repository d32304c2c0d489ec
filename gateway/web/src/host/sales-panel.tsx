// The console's sales panel: this session's orders, units and GMV as they change, read with host:sales
// after each order frame (a burst folds into one read). Host and staff only: the server refuses others.
import { formatMoney, formatNumber } from '../common/i18n.ts';
import { ErrorNotice } from '../common/ui.tsx';
import type { ConsoleState } from './console-state.ts';
import { th } from './messages.ts';

export function SalesPanel({ state }: { state: ConsoleState }) {
  const s = state.sales;
  const totals = s?.totals.length
    ? s.totals
    : [{ currency: state.cards[0]?.currency ?? 'CNY', gmvMinor: 0, paidMinor: 0 }];
  return (
    <section class="panel sales" aria-labelledby="sales-title">
      <h2 id="sales-title">{th('sales')}</h2>
      {state.salesError !== undefined && (
        <ErrorNotice error={state.salesError} onRetry={() => void state.loadSales()} />
      )}
      <dl class="sales-figures" data-orders={s?.orders ?? 0} data-units={s?.units ?? 0}>
        <div>
          <dt>{th('salesOrders')}</dt>
          <dd data-figure="orders">{formatNumber(s?.orders ?? 0, 0)}</dd>
        </div>
        <div>
          <dt>{th('salesUnits')}</dt>
          <dd data-figure="units">{formatNumber(s?.units ?? 0, 0)}</dd>
        </div>
        {totals.map((t) => (
          <div key={t.currency}>
            <dt>{th('salesGmv')}</dt>
            <dd data-figure="gmv" data-currency={t.currency} data-minor={t.gmvMinor}>
              {formatMoney(t.gmvMinor, t.currency)}
            </dd>
            <dd class="hint">{th('salesPaid', { amount: formatMoney(t.paidMinor, t.currency) })}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
