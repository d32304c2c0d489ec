// Payouts per channel and period (orders paid in [from, to)): the table, and the same as CSV; the payout
// runs with their printable commission statement.
import { useState } from 'preact/hooks';
import type { PayoutReport } from '../../../../protocols/index.ts';
import { api, auth } from '../common/api.ts';
import { downloadCsv } from '../common/download.ts';
import { formatMoney } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { Input, useAction } from './kit.tsx';
import { ts } from './messages.ts';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

export function PayoutsPage() {
  const today = dayMs(isoDay(Date.now()));
  const [from, setFrom] = useState(isoDay(today - 29 * DAY_MS));
  const [to, setTo] = useState(isoDay(today));
  const [query, setQuery] = useState(() => `from=${dayMs(from)}&to=${dayMs(to) + DAY_MS}`);
  const state = useAsync((signal) => api.get<PayoutReport>(`/api/payouts?${query}`, { signal }), [query]);
  const download = useAction();
  return (
    <section class="panel">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(`from=${dayMs(from)}&to=${dayMs(to) + DAY_MS}`);
        }}
      >
        <Input label={ts('from')} type="date" value={from} onInput={setFrom} required />
        <Input label={ts('to')} type="date" value={to} onInput={setTo} required />
        <button type="submit" class="primary">
          {ts('apply')}
        </button>
        <button
          type="button"
          disabled={download.busy}
          onClick={() =>
            download.run(() => downloadCsv(`/api/payouts?${query}`, `payouts-${from}-${to}.csv`))
          }
        >
          {ts('download')}
        </button>
      </form>
      {download.view()}
      <AsyncView state={state}>
        {({ rows }) =>
          rows.length === 0 ? (
            <p class="hint">{ts('none')}</p>
          ) : (
            <table class="payouts-table">
              <thead>
                <tr>
                  <th scope="col">{ts('channel')}</th>
                  <th scope="col">{ts('orders')}</th>
                  <th scope="col">{ts('gmv')}</th>
                  <th scope="col">{ts('refund')}</th>
                  <th scope="col">{ts('commission')}</th>
                  <th scope="col">{ts('pending')}</th>
                  <th scope="col">{ts('available')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.channelId}-${r.currency}`} data-channel-id={r.channelId}>
                    <th scope="row">{r.channelName}</th>
                    <td>{r.orders}</td>
                    <td>{formatMoney(r.gmvMinor, r.currency)}</td>
                    <td>{formatMoney(r.refundedGmvMinor, r.currency)}</td>
                    <td data-minor={r.commissionMinor}>{formatMoney(r.commissionMinor, r.currency)}</td>
                    <td>{formatMoney(r.pendingMinor, r.currency)}</td>
                    <td>{formatMoney(r.availableMinor, r.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
      <PayoutRuns />
    </section>
  );
}

interface Run {
  runId: string;
  fromMs: number;
  toMs: number;
  status: string;
  paidReference: string | null;
  totals: Array<{ accountKind: string; currency: string; amountMinor: number }>;
}

/**
 * Opens a run's printable statement: it needs the bearer token, so the page fetches it and shows the
 * HTML from a blob in a new tab, where the browser prints it.
 */
async function openStatement(runId: string): Promise<void> {
  const path = `/api/payout-runs/${encodeURIComponent(runId)}/statement`;
  const res = await fetch(`${path}?format=html`, {
    headers: { authorization: `Bearer ${auth.token() ?? ''}` },
  });
  // A refused statement is asked again as JSON, so it fails with the server's coded error.
  if (!res.ok) await api.get(path);
  const url = URL.createObjectURL(await res.blob());
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function PayoutRuns() {
  const runs = useAsync((signal) => api.get<Run[]>('/api/payout-runs', { signal }), []);
  const print = useAction();
  return (
    <>
      <h3>{ts('payoutRuns')}</h3>
      {print.view()}
      <AsyncView state={runs}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="hint">{ts('none')}</p>
          ) : (
            <table class="payout-runs-table">
              <tbody>
                {rows.map((r) => (
                  <tr key={r.runId} data-run-id={r.runId}>
                    <th scope="row">
                      {isoDay(r.fromMs)} – {isoDay(r.toMs - 1)}
                    </th>
                    <td>
                      {r.status}
                      {r.paidReference ? ` · ${r.paidReference}` : ''}
                    </td>
                    <td>
                      {r.totals
                        .filter((t) => t.accountKind === 'channel')
                        .map((t) => formatMoney(t.amountMinor, t.currency))
                        .join(', ')}
                    </td>
                    <td>
                      <button
                        type="button"
                        disabled={print.busy}
                        onClick={() => print.run(() => openStatement(r.runId))}
                      >
                        {ts('printStatement')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </>
  );
}
