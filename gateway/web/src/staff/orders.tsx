// Orders: newest first, filtered by status, searched by person (name, phone, e-mail, member code) or
// by order id. Confirm a manual payment, refund, fulfil — each asks for confirmation first. Above them,
// the payments no order could take (to refund at the provider), until staff mark them refunded.
import { useState } from 'preact/hooks';
import type { ListedOrder, OrphanedPayment, PeoplePage } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { formatDateTime, formatMoney, localised } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { ConfirmButton, PAGE_SIZE, Pager, useAction } from './kit.tsx';
import { ts } from './messages.ts';
import { tp } from './payments-messages.ts';

/** A listed order names its buyer and product; one found by id (GET /api/orders/:id) does not. */
type Order = Omit<ListedOrder, 'buyerName' | 'productTitles'> &
  Partial<Pick<ListedOrder, 'buyerName' | 'productTitles'>>;

export type { Order };

function OrphanedPayments() {
  const state = useAsync(
    (signal) => api.get<OrphanedPayment[]>('/api/payments/orphaned?unresolved=true&limit=50', { signal }),
    [],
  );
  const action = useAction();
  const resolve = (p: OrphanedPayment) =>
    action.run(async () => {
      await api.post(
        `/api/payments/orphaned/${encodeURIComponent(p.provider)}/${encodeURIComponent(p.eventId)}/resolve`,
      );
      state.reload();
      return `${tp('markRefunded')}: ${tp('done')}`;
    });
  return (
    <section class="panel" aria-label={tp('orphanedTitle')}>
      <h2>{tp('orphanedTitle')}</h2>
      <p class="hint">{tp('orphanedIntro')}</p>
      {action.view()}
      <AsyncView state={state}>
        {(payments) =>
          payments.length === 0 ? (
            <p class="hint">{tp('orphanedNone')}</p>
          ) : (
            <table class="orders-table orphaned-payments">
              <thead>
                <tr>
                  <th scope="col">{tp('eventId')}</th>
                  <th scope="col">{tp('order')}</th>
                  <th scope="col">{tp('amount')}</th>
                  <th scope="col">{tp('reason')}</th>
                  <th scope="col">{tp('received')}</th>
                  <th scope="col">{ts('actions')}</th>
                </tr>
              </thead>
              <tbody>
                {payments.map((p) => (
                  <tr key={`${p.provider}:${p.eventId}`} data-event-id={p.eventId}>
                    <td>
                      <code>{p.eventId}</code> · {p.provider}
                    </td>
                    <td>
                      <code>{p.orderId.slice(0, 8)}</code>
                      {p.orderStatus && <span class="badge">{p.orderStatus}</span>}
                    </td>
                    <td>{formatMoney(p.amountMinor, p.currency)}</td>
                    <td>{tp(p.reason)}</td>
                    <td>{formatDateTime(p.receivedAtMs)}</td>
                    <td class="actions">
                      <ConfirmButton
                        danger
                        label={tp('markRefunded')}
                        text={tp('markRefundedText', { id: p.eventId })}
                        disabled={action.busy}
                        onConfirm={() => resolve(p)}
                      />
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

const STATUSES = ['', 'placed', 'paid', 'fulfilled', 'completed', 'cancelled', 'expired', 'refunded'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function findOrders(q: string, status: string, offset: number, signal: AbortSignal) {
  const query = q.trim();
  if (UUID.test(query)) {
    const byId = await api.get<Order>(`/api/orders/${query}`, { signal }).catch(() => undefined);
    if (byId) return { orders: [byId], names: new Map<string, string>() };
  }
  const names = new Map<string, string>();
  let personId = '';
  if (query) {
    const found = await api.get<PeoplePage>(`/api/people?q=${encodeURIComponent(query)}&limit=1`, { signal });
    const p = found.items[0];
    if (!p) return { orders: [], names };
    personId = p.id;
    names.set(p.id, p.displayName);
  }
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
  if (personId) params.set('personId', personId);
  if (status) params.set('status', status);
  return { orders: await api.get<Order[]>(`/api/orders?${params}`, { signal }), names };
}

export function OrdersPage() {
  const [input, setInput] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const state = useAsync((signal) => findOrders(q, status, offset, signal), [q, status, offset]);
  const action = useAction();
  const act = (o: Order, path: string, label: string) =>
    action.run(async () => {
      await api.post(`/api/orders/${o.orderId}/${path}`);
      state.reload();
      return `${label}: ${ts('done')}`;
    });
  return (
    <>
      <OrphanedPayments />
      <section class="panel">
        <form
          class="row"
          aria-label={ts('search')}
          onSubmit={(e) => {
            e.preventDefault();
            setOffset(0);
            setQ(input);
          }}
        >
          <label class="field inline grow">
            <span>{ts('search')}</span>
            <input
              type="search"
              name="q"
              value={input}
              placeholder={ts('searchOrders')}
              aria-label={ts('searchOrders')}
              onInput={(e) => setInput((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <label class="field inline">
            <span>{ts('status')}</span>
            <select
              value={status}
              onChange={(e) => {
                setOffset(0);
                setStatus((e.currentTarget as HTMLSelectElement).value);
              }}
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s || '—'}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary">
            {ts('search')}
          </button>
        </form>
        {action.view()}
        <AsyncView state={state}>
          {({ orders, names }) =>
            orders.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <>
                <table class="orders-table">
                  <thead>
                    <tr>
                      <th scope="col">{ts('order')}</th>
                      <th scope="col">{ts('person')}</th>
                      <th scope="col">{ts('total')}</th>
                      <th scope="col">{ts('status')}</th>
                      <th scope="col">{ts('created')}</th>
                      <th scope="col">{ts('actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {orders.map((o) => (
                      <tr key={o.orderId} data-order-id={o.orderId} data-status={o.status}>
                        <td>
                          <code>{o.orderId.slice(0, 8)}</code> · {o.provider}
                        </td>
                        <td>
                          {o.buyerName ?? names.get(o.personId) ?? o.personId.slice(0, 8)}
                          {o.productTitles && (
                            <>
                              <br />
                              <span class="hint">{localised(o.productTitles)}</span>
                            </>
                          )}
                        </td>
                        <td>{formatMoney(o.payableMinor, o.currency)}</td>
                        <td>
                          <span class="badge">{o.status}</span>
                        </td>
                        <td>{formatDateTime(o.createdAtMs)}</td>
                        <td class="actions">
                          {o.status === 'placed' && (
                            <ConfirmButton
                              label={ts('confirmPayment')}
                              text={ts('confirmText', {
                                action: ts('confirmPayment'),
                                id: o.orderId.slice(0, 8),
                              })}
                              disabled={action.busy}
                              onConfirm={() => act(o, 'confirm-payment', ts('confirmPayment'))}
                            />
                          )}
                          {o.status === 'paid' && (
                            <ConfirmButton
                              label={ts('fulfil')}
                              text={ts('confirmText', { action: ts('fulfil'), id: o.orderId.slice(0, 8) })}
                              disabled={action.busy}
                              onConfirm={() => act(o, 'fulfil', ts('fulfil'))}
                            />
                          )}
                          {(o.status === 'paid' || o.status === 'fulfilled' || o.status === 'completed') && (
                            <ConfirmButton
                              danger
                              label={ts('refund')}
                              text={ts('confirmText', { action: ts('refund'), id: o.orderId.slice(0, 8) })}
                              disabled={action.busy}
                              onConfirm={() => act(o, 'refund', ts('refund'))}
                            />
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <Pager offset={offset} count={orders.length} onChange={setOffset} />
              </>
            )
          }
        </AsyncView>
      </section>
    </>
  );
}
