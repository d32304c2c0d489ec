// The latest orders, live from the /staff stream: buyer, product, amount, status, channel. The server
// sends a channel manager only their channels' buyers' orders.
import type { LiveOrder } from '../../../../../protocols/index.ts';
import { formatMoney, formatTime, localised } from '../../common/i18n.ts';
import { td } from './messages.ts';

const STATUSES = new Set(['placed', 'paid', 'fulfilled', 'completed', 'cancelled', 'expired', 'refunded']);

export function LiveOrders({ orders }: { orders: LiveOrder[] }) {
  return (
    <section class="panel live-orders" aria-labelledby="live-orders-h">
      <h2 id="live-orders-h">{td('liveOrders')}</h2>
      {orders.length === 0 ? (
        <p class="hint">{td('noOrders')}</p>
      ) : (
        <div class="table-scroll">
          <table class="orders-table">
            <thead>
              <tr>
                <th scope="col">{td('time')}</th>
                <th scope="col">{td('buyer')}</th>
                <th scope="col">{td('product')}</th>
                <th scope="col">{td('amount')}</th>
                <th scope="col">{td('status')}</th>
                <th scope="col">{td('channel')}</th>
              </tr>
            </thead>
            <tbody aria-live="polite">
              {orders.map((o) => (
                <tr key={o.orderId} data-order-id={o.orderId} data-status={o.status}>
                  <td>{formatTime(o.createdAtMs)}</td>
                  <td>{o.buyerName}</td>
                  <td>
                    {localised(o.productTitles)}
                    {o.quantity > 1 ? ` × ${o.quantity}` : ''}
                  </td>
                  <td>{formatMoney(o.totalMinor, o.currency)}</td>
                  <td>
                    <span class="badge">{STATUSES.has(o.status) ? td(o.status as 'placed') : o.status}</span>
                  </td>
                  <td>{o.channelName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
