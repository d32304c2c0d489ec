// The console's live panels: orders as they arrive (naming the buyer and the product), chat with delete and mute, and stream health
// as the SFU measures it (bitrate in and out, receivers' loss and round trip).
import { useEffect, useState } from 'preact/hooks';
import type { MediaRoomStats } from '../../../../protocols/index.ts';
import { formatMoney, formatNumber, formatTime, localised } from '../common/i18n.ts';
import { ErrorNotice } from '../common/ui.tsx';
import { orderStatusText } from '../live/messages.ts';
import type { ConsoleState } from './console-state.ts';
import { th } from './messages.ts';

export function OrdersFeed({ state }: { state: ConsoleState }) {
  return (
    <section class="panel" aria-labelledby="feed-title">
      <h2 id="feed-title">
        {th('orders')} <span class="badge">{state.feed.length}</span>
      </h2>
      {state.feed.length === 0 ? (
        <p class="hint">{th('noOrders')}</p>
      ) : (
        <ol class="feed" aria-live="polite">
          {state.feed.map((o) => {
            const card = state.cards.find((c) => c.cardId === o.cardId);
            const titles = o.titles ?? card?.titles;
            return (
              <li key={o.orderId} data-order-id={o.orderId} data-status={o.status}>
                <span>{formatTime(o.receivedAtMs)}</span>{' '}
                {o.buyerName && <span class="buyer">{th('buyerBought', { name: o.buyerName })}</span>}{' '}
                <strong>{titles ? localised(titles) : o.cardId.slice(0, 8)}</strong> × {o.quantity} ·{' '}
                {formatMoney(o.totalMinor, o.currency)} ·{' '}
                <span class="badge">{orderStatusText(o.status)}</span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

export function ChatModeration({ state }: { state: ConsoleState }) {
  const [error, setError] = useState<unknown>();
  const act = (p: Promise<unknown>) => {
    setError(undefined);
    p.catch(setError);
  };
  return (
    <section class="panel" aria-labelledby="mod-title">
      <h2 id="mod-title">{th('chat')}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      {state.live.chat.length === 0 && <p class="hint">{th('noChat')}</p>}
      <ol class="mod-list">
        {state.live.chat.map((m) => (
          <li key={m.id} data-message-id={m.id}>
            <span>
              <strong>{m.name}</strong> {m.text}
            </span>
            <span class="row-actions">
              <button type="button" class="link" onClick={() => act(state.deleteMessage(m.id))}>
                {th('delete')}
              </button>
              <button type="button" class="link" onClick={() => act(state.mute(m.viewerId))}>
                {th('mute')}
              </button>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function StreamHealth({ state }: { state: ConsoleState }) {
  const [stats, setStats] = useState<MediaRoomStats>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const tick = () => {
      const p = state.publisher.stats();
      if (!p) return setStats(undefined);
      p.then(
        (s) => {
          setStats(s);
          setError(undefined);
        },
        (e: unknown) => setError(e),
      );
    };
    tick();
    const id = setInterval(tick, 2000);
    return () => clearInterval(id);
  }, [state]);
  const kbps = (bps: number) => `${formatNumber(bps / 1000, 0)} kbit/s`;
  return (
    <section class="panel" aria-labelledby="health-title">
      <h2 id="health-title">{th('health')}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      {stats ? (
        <dl class="health" data-bitrate-in={stats.bitrateInBps}>
          <dt>{th('bitrateIn')}</dt>
          <dd>{kbps(stats.bitrateInBps)}</dd>
          <dt>{th('bitrateOut')}</dt>
          <dd>{kbps(stats.bitrateOutBps)}</dd>
          <dt>{th('loss')}</dt>
          <dd class={stats.lossFraction > 0.05 ? 'bad' : ''}>
            {formatNumber(stats.lossFraction * 100, 1)} %
          </dd>
          <dt>{th('rtt')}</dt>
          <dd>{formatNumber(stats.rttMs, 0)} ms</dd>
          <dt>{th('consumers')}</dt>
          <dd>{stats.consumers}</dd>
        </dl>
      ) : (
        <p class="hint">{th('healthIdle')}</p>
      )}
    </section>
  );
}
