// The conversions dashboard (/staff): live from the /staff stream — the funnel of the sessions on air,
// paid GMV over time (summed by the server), the latest orders, the per-channel table, top referrers with their pending credit, devices, and
// drill-downs per live session and offline event. What a channel manager receives is already limited
// to their channels by the server; the page shows what it gets. Its panels live in dashboard/.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../common/api.ts';
import { formatMoney, formatNumber, formatTime } from '../common/i18n.ts';
import { Loading, useAsync } from '../common/ui.tsx';
import { AarrrPanel } from './aarrr.tsx';
import { ChannelTable } from './dashboard/channel-table.tsx';
import { Events } from './dashboard/events.tsx';
import { GmvChart } from './dashboard/gmv-chart.tsx';
import { LiveOrders } from './dashboard/live-orders.tsx';
import { Referrers } from './dashboard/referrers.tsx';
import { Sessions } from './dashboard/sessions.tsx';
import { currencyOf, openStream, type StreamState } from './figures.ts';
import { ts } from './messages.ts';

declare global {
  var vitaliveStaff: { stream: StreamState } | undefined;
}

export function Dashboard() {
  const [stream, setStream] = useState<StreamState>();
  useEffect(() => {
    const socket = openStream((s) => {
      globalThis.vitaliveStaff = { stream: s };
      setStream(s);
    });
    return () => socket.close();
  }, []);
  const names = useAsync(
    (signal) => api.get<Array<{ id: string; name: string }>>('/api/channels', { signal }),
    [],
  );
  const f = stream?.figures;
  if (!f) return <Loading label={ts('connecting')} />;
  const currency = currencyOf(f);
  const money = (m: number) => formatMoney(m, currency);
  const channelName = (id: string) => (id ? (names.data?.find((c) => c.id === id)?.name ?? id) : '—');
  const sum = (k: 'uniqueViewers' | 'clickers' | 'buyers' | 'ordersPaid' | 'paidGmvMinor') =>
    f.sessions.reduce((a, s) => a + s[k], 0);
  const steps: Array<[string, string, number]> = [
    ['joined', ts('joined'), sum('uniqueViewers')],
    ['clicked', ts('clicked'), sum('clickers')],
    ['ordered', ts('ordered'), sum('buyers')],
    ['paid', ts('paid'), sum('ordersPaid')],
  ];
  const top = Math.max(1, steps[0]![2]);
  return (
    <div class="dashboard">
      <p class="status-line" role="status">
        <span class={`badge ${stream.connected ? 'ok' : 'bad'}`}>
          {stream.connected ? ts('live') : ts('offline')}
        </span>{' '}
        {ts('updatedAt', { time: formatTime(f.atMs) })}
      </p>
      <div class="grid-2">
        <section class="panel" aria-labelledby="funnel-h">
          <h2 id="funnel-h">{ts('funnel')}</h2>
          <ol class="funnel">
            {steps.map(([key, label, n]) => (
              <li key={key} data-step={key}>
                <span class="funnel-label">{label}</span>
                <span class="funnel-bar" style={{ width: `${Math.max(2, (n / top) * 100)}%` }} />
                <span class="funnel-value" data-figure={`funnel-${key}`}>
                  {formatNumber(n, 0)}
                </span>
              </li>
            ))}
          </ol>
          <p>
            {ts('gmv')}: <strong data-figure="session-gmv">{money(sum('paidGmvMinor'))}</strong>
          </p>
        </section>
        <GmvChart tick={f.conversion?.aarrr.revenue.paidGmvMinor ?? 0} money={money} />
      </div>
      <LiveOrders orders={f.orders ?? []} />
      <p class="hint">
        {ts('gmv')} ({ts('channels')}):{' '}
        <strong data-figure="period-gmv">{money(f.conversion?.aarrr.revenue.paidGmvMinor ?? 0)}</strong>
      </p>
      {f.devices && (
        <section class="panel devices-figures" aria-label={ts('devices')}>
          <h2>{ts('devices')}</h2>
          <p>
            {ts('devicesOnline')}: <strong data-figure="devices-online">{f.devices.online}</strong> ·{' '}
            {ts('readingsPerMin')}:{' '}
            <strong data-figure="readings-per-min">{formatNumber(f.devices.readingsPerMinute, 1)}</strong>
          </p>
        </section>
      )}
      <ChannelTable rows={f.conversion?.channels ?? []} name={channelName} money={money} />
      <Referrers
        period={f.conversion?.period}
        tick={f.conversion?.aarrr.revenue.paidGmvMinor ?? 0}
        money={money}
      />
      <Sessions stream={stream} money={money} />
      <Events events={f.conversion?.events ?? []} name={channelName} money={money} />
      {f.conversion && <AarrrPanel initial={f.conversion.aarrr} money={money} />}
    </div>
  );
}
