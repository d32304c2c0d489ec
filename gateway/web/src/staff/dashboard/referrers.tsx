// Top referrers of the period, with their pending credit for staff (names and credit are staff-only
// reads), read again now and then as credit is booked after the payment the stream reports.
import { useEffect } from 'preact/hooks';
import type { Balance } from '../../../../../protocols/index.ts';
import { api, auth } from '../../common/api.ts';
import { AsyncView, useAsync } from '../../common/ui.tsx';
import type { Referrer } from '../figures.ts';
import { ts } from '../messages.ts';

const REFERRER_REFRESH_MS = 10_000;

export function Referrers({
  period,
  tick,
  money,
}: {
  period: { fromMs: number; toMs: number } | undefined;
  tick: number;
  money: (m: number) => string;
}) {
  const staff = auth.hasRole('staff', 'admin');
  const state = useAsync(
    async (signal) => {
      if (!period) return [];
      const list = await api.get<Referrer[]>(
        `/api/metrics/referrers?from=${period.fromMs}&to=${period.toMs}&limit=10`,
        { signal },
      );
      // Names and pending credit are staff-only reads; a channel manager sees the figures.
      return Promise.all(
        list.map(async (r) => {
          if (!staff) return { ...r, name: r.referrerId.slice(0, 8), pending: undefined };
          const [person, credit] = await Promise.all([
            api.get<{ displayName: string }>(`/api/people/${r.referrerId}`, { signal }),
            api.get<{ balances: Balance[] }>(`/api/people/${r.referrerId}/credit?limit=1`, { signal }),
          ]);
          const pending = credit.balances.reduce((a, b) => a + b.pendingMinor, 0);
          return { ...r, name: person.displayName, pending };
        }),
      );
    },
    [period?.fromMs, tick],
  );
  // Credit is booked a moment after the payment that the stream reports: read again now and then.
  const { reload } = state;
  useEffect(() => {
    const timer = setInterval(reload, REFERRER_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <section class="panel" aria-labelledby="referrers-h">
      <h2 id="referrers-h">{ts('referrers')}</h2>
      <AsyncView state={state}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="hint">{ts('none')}</p>
          ) : (
            <table class="referrer-table">
              <thead>
                <tr>
                  <th scope="col">{ts('referrer')}</th>
                  <th scope="col">{ts('signups')}</th>
                  <th scope="col">{ts('paid')}</th>
                  <th scope="col">{ts('gmv')}</th>
                  <th scope="col">{ts('pendingCredit')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.referrerId} data-referrer-id={r.referrerId}>
                    <th scope="row">{r.name}</th>
                    <td data-col="signups">{r.signups}</td>
                    <td data-col="paid">{r.ordersPaid}</td>
                    <td data-col="gmv" data-minor={r.paidGmvMinor}>
                      {money(r.paidGmvMinor)}
                    </td>
                    <td data-col="pending" data-minor={r.pending ?? ''}>
                      {r.pending === undefined ? '—' : money(r.pending)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </section>
  );
}
