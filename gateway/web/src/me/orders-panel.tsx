// My orders on /me: each order as a row a phone shows whole (photo, product, quantity, total, status),
// and while unpaid how to pay it (the provider's pay link, or the instructions staff configured) and a
// cancel button. Nothing here is wider than the screen: rows wrap instead of scrolling sideways.
import { useState } from 'preact/hooks';
import type { MyOrder } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { formatDateTime, formatMoney, localised } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, useAsync } from '../common/ui.tsx';
import { orderStatusText } from '../live/messages.ts';
import { tm } from './messages.ts';

function OrderRow({ order, onChanged }: { order: MyOrder; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const title = localised(order.titles);
  async function cancel() {
    if (!confirm(tm('cancelAsk'))) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/api/me/orders/${encodeURIComponent(order.orderId)}/cancel`);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <li class="my-order" data-order-id={order.orderId} data-status={order.status}>
      {order.image ? (
        <img class="thumb" src={order.image[160]} alt="" width={64} height={64} loading="lazy" />
      ) : (
        <span class="thumb" aria-hidden="true" />
      )}
      <div class="my-order-body">
        <p class="my-order-title">{title}</p>
        <p class="my-order-meta">
          <span>× {order.quantity}</span>
          <strong>{formatMoney(order.payableMinor, order.currency)}</strong>
          <span class={`badge ${order.status === 'paid' || order.status === 'completed' ? 'ok' : ''}`}>
            {orderStatusText(order.status)}
          </span>
        </p>
        <p class="hint">
          {formatDateTime(order.createdAtMs)} · {tm('orderNo', { id: order.orderId.slice(0, 8) })}
        </p>
        {order.pay && (
          <div class="pay">
            <p class="pay-title">{tm('howToPay')}</p>
            {order.pay.checkoutUrl ? (
              <a class="button primary" href={order.pay.checkoutUrl} rel="noopener">
                {tm('payNow')}
              </a>
            ) : (
              <p class="pay-text">{order.pay.instructions ?? tm('payManualDefault')}</p>
            )}
          </div>
        )}
        {order.cancellable && (
          <button type="button" class="secondary" name="cancel" disabled={busy} onClick={() => void cancel()}>
            {busy ? tm('cancelling') : tm('cancelOrder')}
          </button>
        )}
        {error !== undefined && <ErrorNotice error={error} />}
      </div>
    </li>
  );
}

export function OrdersPanel() {
  const orders = useAsync(() => api.get<MyOrder[]>('/api/me/orders?limit=50'), []);
  return (
    <section class="panel" aria-labelledby="orders-title">
      <h2 id="orders-title">{tm('orders')}</h2>
      <AsyncView state={orders}>
        {(list) =>
          list.length === 0 ? (
            <p class="hint">{tm('noOrders')}</p>
          ) : (
            <ul class="my-orders">
              {list.map((o) => (
                <OrderRow key={o.orderId} order={o} onChanged={orders.reload} />
              ))}
            </ul>
          )
        }
      </AsyncView>
    </section>
  );
}
