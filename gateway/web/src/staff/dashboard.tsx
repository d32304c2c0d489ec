// The conversions dashboard (/staff): live from the /staff stream — the funnel of the sessions on air,
// paid GMV over time, the per-channel table, top referrers with their pending credit, devices, and
// drill-downs per live session and offline event. What a channel manager receives is already limited
// to their channels by the server; the page shows what it gets.
import { useEffect, useState } from 'preact/hooks';
import type { Balance, SessionFunnel as SessionMetrics } from '../../../../protocols/index.ts';
import { api, auth } from '../common/api.ts';
import { TimeSeriesChart } from '../common/chart.tsx';
import { formatMoney, formatNumber, formatTime } from '../common/i18n.ts';
import { AsyncView, Loading, useAsync } from '../common/ui.tsx';
import { AarrrPanel } from './aarrr.tsx';
import { currencyOf, type Funnel, openStream, type Referrer, type StreamState } from './figures.ts';
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
        <section class="panel" aria-labelledby="gmv-h">
          <h2 id="gmv-h">{ts('gmvOverTime')}</h2>
          <TimeSeriesChart
            label={ts('gmv')}
            unit={currency}
            points={stream.gmv.map((p) => ({ atMs: p.atMs, value: p.value / 100 }))}
          />
          <p>
            {ts('gmv')}:{' '}
            <strong data-figure="period-gmv">{money(f.conversion?.aarrr.revenue.paidGmvMinor ?? 0)}</strong>
          </p>
        </section>
      </div>
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

function ChannelTable({
  rows,
  name,
  money,
}: {
  rows: Funnel[];
  name: (id: string) => string;
  money: (m: number) => string;
}) {
  return (
    <section class="panel" aria-labelledby="channels-h">
      <h2 id="channels-h">{ts('channels')}</h2>
      {rows.length === 0 ? (
        <p class="hint">{ts('none')}</p>
      ) : (
        <FunnelTable rows={rows} name={name} money={money} tableClass="channel-table" />
      )}
    </section>
  );
}

function FunnelTable({
  rows,
  name,
  money,
  tableClass,
}: {
  rows: Funnel[];
  name: (id: string) => string;
  money: (m: number) => string;
  tableClass: string;
}) {
  return (
    <table class={tableClass}>
      <thead>
        <tr>
          <th scope="col">{ts('channel')}</th>
          <th scope="col">{ts('invited')}</th>
          <th scope="col">{ts('attended')}</th>
          <th scope="col">{ts('tested')}</th>
          <th scope="col">{ts('bought')}</th>
          <th scope="col">{ts('gmv')}</th>
          <th scope="col">{ts('commission')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.channelId} data-channel-id={c.channelId}>
            <th scope="row">{name(c.channelId)}</th>
            <td data-col="invited">{c.invited}</td>
            <td data-col="attended">{c.attended}</td>
            <td data-col="tested">{c.tested}</td>
            <td data-col="bought">{c.bought}</td>
            <td data-col="gmv" data-minor={c.paidGmvMinor}>
              {money(c.paidGmvMinor)}
            </td>
            <td data-col="commission" data-minor={c.commissionMinor}>
              {money(c.commissionMinor)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const REFERRER_REFRESH_MS = 10_000;

function Referrers({
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

function Sessions({ stream, money }: { stream: StreamState; money: (m: number) => string }) {
  const [open, setOpen] = useState<string>();
  const sessions = stream.figures?.sessions ?? [];
  return (
    <section class="panel" aria-labelledby="sessions-h">
      <h2 id="sessions-h">{ts('sessions')}</h2>
      {sessions.length === 0 ? (
        <p class="hint">{ts('none')}</p>
      ) : (
        <table class="session-table">
          <thead>
            <tr>
              <th scope="col">{ts('session')}</th>
              <th scope="col">{ts('viewersNow')}</th>
              <th scope="col">{ts('joined')}</th>
              <th scope="col">{ts('clicked')}</th>
              <th scope="col">{ts('ordered')}</th>
              <th scope="col">{ts('paid')}</th>
              <th scope="col">{ts('gmv')}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.sessionId} data-session-id={s.sessionId}>
                <th scope="row">
                  <button
                    type="button"
                    class="link"
                    onClick={() => setOpen(open === s.sessionId ? undefined : s.sessionId)}
                  >
                    {s.title}
                  </button>
                </th>
                <td>{s.viewersNow ?? '—'}</td>
                <td>{s.uniqueViewers}</td>
                <td>{s.clickers}</td>
                <td>{s.buyers}</td>
                <td>{s.ordersPaid}</td>
                <td>{money(s.paidGmvMinor)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <SessionDetail id={open} money={money} tick={stream.receivedAtMs} />}
    </section>
  );
}

function SessionDetail({ id, money, tick }: { id: string; money: (m: number) => string; tick: number }) {
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

function Events({
  events,
  name,
  money,
}: {
  events: Array<{ eventId: string; total: Funnel; channels: Funnel[] }>;
  name: (id: string) => string;
  money: (m: number) => string;
}) {
  const [open, setOpen] = useState<string>();
  const titles = useAsync(
    (signal) => api.get<Array<{ id: string; title: string }>>('/api/events?limit=100', { signal }),
    [events.length],
  );
  const title = (id: string) => titles.data?.find((e) => e.id === id)?.title ?? id.slice(0, 8);
  const shown = events.find((e) => e.eventId === open);
  return (
    <section class="panel" aria-labelledby="events-h">
      <h2 id="events-h">{ts('events')}</h2>
      {events.length === 0 ? (
        <p class="hint">{ts('none')}</p>
      ) : (
        <FunnelTable
          rows={events.map((e) => ({ ...e.total, channelId: e.eventId }))}
          name={(id) => title(id)}
          money={money}
          tableClass="event-table"
        />
      )}
      <div class="row">
        {events.map((e) => (
          <button
            type="button"
            class="link"
            key={e.eventId}
            onClick={() => setOpen(open === e.eventId ? undefined : e.eventId)}
          >
            {ts('details')}: {title(e.eventId)}
          </button>
        ))}
      </div>
      {shown && <FunnelTable rows={shown.channels} name={name} money={money} tableClass="event-detail" />}
    </section>
  );
}
