// The viewer page, /live/:sessionId?ref=CODE&ch=CODE: video with the pinned cards over it, buying,
// my orders in this session, chat and the viewer count. Mobile first.
import '../common/styles.css';
import './live.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { UpcomingLive } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { Header, startApp } from '../common/app-shell.tsx';
import { formatMoney, localised } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, Loading, useAsync, useRerender } from '../common/ui.tsx';
import '../lives/lives.css';
import { LiveItem, useNow } from '../lives/live-item.tsx';
import { LivePlayer } from '../media/player.ts';
import { BagButton, BagSheet } from './bag.tsx';
import { bagItemCard } from './bag-state.ts';
import { BuyDialog } from './buy-dialog.tsx';
import { availability, CardStrip } from './cards.tsx';
import { Chat } from './chat.tsx';
import { type Card, LiveState } from './live-state.ts';
import { orderStatusText, tl } from './messages.ts';

const sessionId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const query = new URLSearchParams(location.search);
const codes = { ref: query.get('ref') ?? undefined, ch: query.get('ch') ?? undefined };

const state = sessionId ? new LiveState(sessionId, codes) : undefined;
let player: LivePlayer | undefined;
// Test and diagnostics handle: figures such as pin → card and navigation → first frame are read here.
(window as unknown as { vitaliveLive: unknown }).vitaliveLive = {
  state,
  get player() {
    return player;
  },
};

function Stage({ live }: { live: LiveState }) {
  const video = useRef<HTMLVideoElement>(null);
  const rerender = useRerender();
  const [muted, setMuted] = useState(true);
  const sessionState = live.session?.state as string | undefined;
  useEffect(() => {
    if (!video.current || player) return;
    player = new LivePlayer(live.sessionId, video.current, live.mediaUrl, () => live.freshMediaUrl());
    player.onChange = rerender;
  }, [live.sessionId, live.mediaUrl]);
  useEffect(() => {
    if (sessionState === 'live') player?.play();
  }, [sessionState]);
  const status = player?.status ?? 'idle';
  let overlay = '';
  if (sessionState === 'ended' || status === 'ended') overlay = tl('ended');
  else if (sessionState === 'scheduled' || status === 'waiting') overlay = tl('notLive');
  else if (status !== 'playing') overlay = tl('connecting');
  return (
    <div class="stage-video">
      {/* Starts muted so it may autoplay; one tap turns the sound on. */}
      <video ref={video} autoplay muted={muted} playsinline aria-label={tl('video')} />
      {overlay && (
        <p class="stage-status" role="status">
          {overlay}
        </p>
      )}
      {player?.status === 'error' && <ErrorNotice error={player.error} onRetry={() => player?.play()} />}
      {muted && status === 'playing' && (
        <button type="button" class="secondary unmute" onClick={() => setMuted(false)}>
          {tl('tapToUnmute')}
        </button>
      )}
    </div>
  );
}

/** Before the live: when it starts (counting down), what will be shown, and "remind me". */
function BeforeLive({ sessionId: id }: { sessionId: string }) {
  const preview = useAsync(
    (signal) => api.get<UpcomingLive>(`/api/lives/${encodeURIComponent(id)}`, { auth: false, signal }),
    [id],
  );
  const now = useNow(0);
  return (
    <section class="before-live" aria-label={tl('notLive')}>
      <AsyncView state={preview}>
        {(live) => <LiveItem live={live} nowMs={now} onPage codes={codes} />}
      </AsyncView>
    </section>
  );
}

function MyOrders({ live }: { live: LiveState }) {
  const orders = [...live.orders.values()].sort((a, b) => (b.createdAtMs ?? 0) - (a.createdAtMs ?? 0));
  if (orders.length === 0) return null;
  return (
    <section class="my-orders" aria-labelledby="orders-title">
      <h2 id="orders-title">{tl('myOrders')}</h2>
      <ul>
        {orders.map((o) => {
          const titles = live.cards.get(o.cardId)?.titles ?? live.bag.item(o.cardId)?.titles;
          return (
            <li key={o.orderId} data-order-id={o.orderId} data-status={o.status}>
              <span>
                {titles ? localised(titles) : ''} × {o.quantity} · {formatMoney(o.totalMinor, o.currency)}
              </span>
              <span class={`badge ${o.status === 'paid' || o.status === 'completed' ? 'ok' : ''}`}>
                {orderStatusText(o.status)}
              </span>
              {o.status === 'placed' && o.checkoutUrl && (
                <a href={o.checkoutUrl} rel="noopener">
                  {tl('pay')}
                </a>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The confirmation after an order: the existing `orderPlaced` text, and the order row brought into view. */
function PlacedNotice({ text, orderId, onDone }: { text: string; orderId: string; onDone: () => void }) {
  useEffect(() => {
    document.querySelector(`[data-order-id="${CSS.escape(orderId)}"]`)?.scrollIntoView({ block: 'nearest' });
    const id = setTimeout(onDone, 8000);
    return () => clearTimeout(id);
  }, [orderId]);
  return (
    <p class="placed-notice" role="status" data-order-id-placed={orderId}>
      {text}
    </p>
  );
}

function LiveApp() {
  const rerender = useRerender();
  const [buying, setBuying] = useState<string>();
  const [bagOpen, setBagOpen] = useState(false);
  const [placed, setPlaced] = useState<{ text: string; orderId: string }>();
  useEffect(() => {
    if (state) state.onChange = rerender;
  }, []);
  if (!state) {
    return (
      <>
        <Header title={tl('title')} />
        <main>
          <p>{tl('badLink')}</p>
        </main>
      </>
    );
  }
  const live = state;
  const title = (live.session?.title as string | undefined) ?? tl('title');
  const sessionState = live.session?.state as string | undefined;
  const fromBag = buying ? live.bag.item(buying) : undefined;
  const buyCard: Card | undefined = buying
    ? (live.cards.get(buying) ?? (fromBag && bagItemCard(fromBag, live.sessionId)))
    : undefined;
  const onBuy = (c: Card) => {
    live.click(c.cardId);
    setBuying(c.cardId);
  };
  return (
    <>
      <Header title={title} auth={{ referralCode: codes.ref, channelCode: codes.ch }} />
      <main class="live">
        <section class="stage" aria-label={tl('video')}>
          {live.session ? <Stage live={live} /> : <div class="stage-video" />}
          <p class="viewers" aria-live="off">
            {tl('viewers', { n: live.viewers })}
          </p>
          {live.connection === 'offline' && (
            <p class="offline" role="status">
              {tl('offline')}
            </p>
          )}
          <CardStrip
            cards={live.visibleCards()}
            forYou={live.forYou}
            photoOf={(cardId) => live.bag.photo(cardId)}
            serverNow={() => live.serverNow()}
            onBuy={onBuy}
          />
          <BagButton count={live.bag.count()} onOpen={() => setBagOpen(true)} />
        </section>
        {sessionState === 'scheduled' && <BeforeLive sessionId={live.sessionId} />}
        {placed && <PlacedNotice {...placed} onDone={() => setPlaced(undefined)} />}
        {!live.session && !live.joinError && <Loading />}
        {live.joinError !== undefined && (
          <ErrorNotice error={live.joinError} onRetry={() => void live.join()} />
        )}
        <MyOrders live={live} />
        <Chat messages={live.chat} onSend={(text) => live.sendChat(text)} />
      </main>
      <BuyDialog
        card={buyCard && availability(buyCard, live.serverNow()) !== 'closed' ? buyCard : undefined}
        codes={codes}
        onClose={() => setBuying(undefined)}
        place={async (order, key) => {
          const o = await live.placeOrder(order, key);
          const title = buyCard ? localised(buyCard.titles) : '';
          setPlaced({ text: tl('orderPlaced', { title, qty: o.quantity }), orderId: o.orderId });
          return o;
        }}
      />
      <BagSheet
        open={bagOpen}
        items={live.bag.items}
        onClose={() => setBagOpen(false)}
        onBuy={(cardId) => {
          setBagOpen(false);
          live.click(cardId);
          setBuying(cardId);
        }}
      />
    </>
  );
}

void startApp(LiveApp);
