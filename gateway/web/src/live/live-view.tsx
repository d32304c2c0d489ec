// The live session's page: the stage (video with its overlays) and, below it, what does not belong over
// the video (the line-up before the live, my orders in this session, errors).
import { useEffect, useState } from 'preact/hooks';
import type { UpcomingLive } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { Header } from '../common/app-shell.tsx';
import { formatMoney, localised } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, Loading, useAsync, useRerender } from '../common/ui.tsx';
import { LiveItem, useNow } from '../lives/live-item.tsx';
import { BagButton, BagSheet } from './bag.tsx';
import { bagItemCard } from './bag-state.ts';
import { BuyDialog } from './buy-dialog.tsx';
import { availability, CardStrip } from './cards.tsx';
import { Chat } from './chat.tsx';
import type { Card, LiveState, Order } from './live-state.ts';
import { orderStatusText, tl } from './messages.ts';
import { Stage } from './stage.tsx';
import { FollowButton, HeartButton, Hearts, ShareButton, useHearts } from './stage-actions.tsx';

export type Codes = { ref?: string | undefined; ch?: string | undefined };

/** Before the live: when it starts (counting down), what will be shown, and "remind me". */
function BeforeLive({ sessionId, codes }: { sessionId: string; codes: Codes }) {
  const preview = useAsync(
    (signal) => api.get<UpcomingLive>(`/api/lives/${encodeURIComponent(sessionId)}`, { auth: false, signal }),
    [sessionId],
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

function OrderLine({ live, o }: { live: LiveState; o: Order }) {
  const titles = live.cards.get(o.cardId)?.titles ?? live.bag.item(o.cardId)?.titles;
  return (
    <>
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
    </>
  );
}

function MyOrders({ live }: { live: LiveState }) {
  const orders = [...live.orders.values()].sort((a, b) => (b.createdAtMs ?? 0) - (a.createdAtMs ?? 0));
  if (orders.length === 0) return null;
  return (
    <section class="my-orders" id="my-orders" aria-labelledby="orders-title">
      <h2 id="orders-title">{tl('myOrders')}</h2>
      <ul>
        {orders.map((o) => (
          <li key={o.orderId} data-order-id={o.orderId} data-status={o.status}>
            <OrderLine live={live} o={o} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The confirmation after an order, over the video where the buyer is looking: what was ordered, its
 * status (kept current by order frames), how to pay, and a link to the order list below the video.
 */
function PlacedNotice({
  live,
  text,
  orderId,
  onDone,
}: {
  live: LiveState;
  text: string;
  orderId: string;
  onDone: () => void;
}) {
  useEffect(() => {
    const id = setTimeout(onDone, 10_000);
    return () => clearTimeout(id);
  }, [orderId]);
  const o = live.orders.get(orderId);
  return (
    <div class="placed-notice" role="status" data-order-id-placed={orderId} data-status={o?.status}>
      <p class="placed-text">{text}</p>
      {o && (
        <p class="placed-order">
          <OrderLine live={live} o={o} />
        </p>
      )}
      <p class="placed-actions">
        <a href="#my-orders">{tl('seeOrder')}</a>
        <button type="button" class="link" onClick={onDone}>
          {tl('dismiss')}
        </button>
      </p>
    </div>
  );
}

export function LiveView({ state, codes }: { state: LiveState | undefined; codes: Codes }) {
  const rerender = useRerender();
  const [buying, setBuying] = useState<string>();
  const [bagOpen, setBagOpen] = useState(false);
  const [signIn, setSignIn] = useState(false);
  const [placed, setPlaced] = useState<{ text: string; orderId: string }>();
  const hearts = useHearts();
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
  const onBuy = (cardId: string) => {
    setBagOpen(false);
    live.click(cardId);
    setBuying(cardId);
  };
  return (
    <>
      <Header
        title={title}
        auth={{ referralCode: codes.ref, channelCode: codes.ch, open: signIn, onOpenChange: setSignIn }}
      />
      <main class="live">
        <section class="stage" aria-label={tl('video')}>
          {live.session ? (
            <Stage live={live}>
              <div class="stage-top">
                <p class="viewers" aria-live="off">
                  {tl('viewers', { n: live.viewers })}
                </p>
                {live.connection === 'offline' && (
                  <p class="offline" role="status">
                    {tl('offline')}
                  </p>
                )}
              </div>
              <div class="rail">
                <FollowButton
                  sessionId={live.sessionId}
                  hostPersonId={live.session.hostPersonId}
                  onSignIn={() => setSignIn(true)}
                />
                <ShareButton sessionId={live.sessionId} title={title} />
                <HeartButton onHeart={hearts.add} />
                <BagButton count={live.bag.count()} onOpen={() => setBagOpen(true)} />
              </div>
              {placed && <PlacedNotice live={live} {...placed} onDone={() => setPlaced(undefined)} />}
            </Stage>
          ) : (
            <div class="stage-video" />
          )}
          <div class="stage-side">
            <CardStrip
              cards={live.visibleCards()}
              forYou={live.forYou}
              byYourExpert={live.byYourExpert}
              photoOf={(cardId) => live.bag.photo(cardId)}
              serverNow={() => live.serverNow()}
              onBuy={(c) => onBuy(c.cardId)}
            />
            <Hearts hearts={hearts.hearts} />
            <Chat messages={live.chat} onSend={(text) => live.sendChat(text)} />
          </div>
        </section>
        <div class="below-stage">
          {sessionState === 'scheduled' && <BeforeLive sessionId={live.sessionId} codes={codes} />}
          {!live.session && !live.joinError && <Loading />}
          {live.joinError !== undefined && (
            <ErrorNotice error={live.joinError} onRetry={() => void live.join()} />
          )}
          <MyOrders live={live} />
        </div>
      </main>
      <BuyDialog
        card={buyCard && availability(buyCard, live.serverNow()) !== 'closed' ? buyCard : undefined}
        codes={codes}
        onClose={() => setBuying(undefined)}
        place={async (order, key) => {
          const o = await live.placeOrder(order, key);
          const name = buyCard ? localised(buyCard.titles) : '';
          setPlaced({ text: tl('orderPlaced', { title: name, qty: o.quantity }), orderId: o.orderId });
          return o;
        }}
      />
      <BagSheet open={bagOpen} items={live.bag.items} onClose={() => setBagOpen(false)} onBuy={onBuy} />
    </>
  );
}
