// Live sessions: schedule one (for a host), the list with state, assigning another host to a session
// that has not ended, whether its line-up is public (/lives, posters), and for the chosen session its
// product cards (add a card from a SKU, with the units it takes from stock).
import { useState } from 'preact/hooks';
import type { Card } from '../../../../protocols/index.ts';
import { api, type Person } from '../common/api.ts';
import { formatDateTime, formatMoney, localised } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, useAsync } from '../common/ui.tsx';
import type { Product } from './catalog.tsx';
import { tk } from './catalog-messages.ts';
import { ActionForm, Input, PAGE_SIZE, Pager, RowChooser, SubmitButton, useAction } from './kit.tsx';
import { ts } from './messages.ts';
import { PersonPicker } from './person-picker.tsx';
import { SessionHost, type SessionRow } from './session-host.tsx';

type LiveSession = SessionRow;

export function SessionsPage() {
  const [offset, setOffset] = useState(0);
  const [chosen, setChosen] = useState<string>();
  const [rehost, setRehost] = useState<string>();
  const sessions = useAsync(
    (signal) => api.get<LiveSession[]>(`/api/live-sessions?limit=${PAGE_SIZE}&offset=${offset}`, { signal }),
    [offset],
  );
  const [title, setTitle] = useState('');
  const [host, setHost] = useState<Person>();
  const [at, setAt] = useState('');
  return (
    <>
      <section class="panel" aria-labelledby="new-session-h">
        <h3 id="new-session-h">{tk('newSession')}</h3>
        <PersonPicker label={tk('findSessionHost')} chosen={host} onChoose={setHost} />
        <p aria-live="polite" data-testid="new-session-host">
          {host
            ? tk('sessionHostIs', { name: host.displayName, code: host.memberCode })
            : tk('sessionHostMe')}
        </p>
        <ActionForm
          label={tk('newSession')}
          run={async () => {
            await api.post('/api/live-sessions', {
              title: title.trim(),
              ...(host ? { hostPersonId: host.id } : {}),
              ...(at ? { scheduledAtMs: new Date(at).getTime() } : {}),
            });
            setTitle('');
            setHost(undefined);
            sessions.reload();
            return ts('done');
          }}
        >
          {(busy, outcome) => (
            <>
              <div class="row">
                <Input label={ts('eventTitle')} value={title} onInput={setTitle} required />
                <Input label={tk('scheduledAt')} type="datetime-local" value={at} onInput={setAt} />
                <SubmitButton busy={busy}>{ts('create')}</SubmitButton>
              </div>
              {outcome}
            </>
          )}
        </ActionForm>
      </section>
      <section class="panel">
        <AsyncView state={sessions}>
          {(rows) =>
            rows.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <>
                <table class="sessions-table">
                  <thead>
                    <tr>
                      <th scope="col">{ts('session')}</th>
                      <th scope="col">{tk('state')}</th>
                      <th scope="col">{tk('scheduledAt')}</th>
                      <th scope="col">{tk('hostId')}</th>
                      <th scope="col">{tk('publicLineup')}</th>
                      <th scope="col">{ts('actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((s) => (
                      <tr key={s.sessionId} data-session-id={s.sessionId}>
                        <RowChooser name={s.title} onChoose={() => setChosen(s.sessionId)} />
                        <td>
                          <span class="badge">{s.state}</span>
                        </td>
                        <td>{s.scheduledAtMs ? formatDateTime(s.scheduledAtMs) : '—'}</td>
                        <td data-col="host">{s.hostPersonId.slice(0, 8)}</td>
                        <td>
                          <LineupSwitch session={s} onChanged={sessions.reload} />
                        </td>
                        <td>
                          {s.state !== 'ended' && (
                            <button
                              type="button"
                              aria-label={`${tk('changeHost')}: ${s.title}`}
                              aria-expanded={rehost === s.sessionId}
                              onClick={() => setRehost(rehost === s.sessionId ? undefined : s.sessionId)}
                            >
                              {tk('changeHost')}
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <Pager offset={offset} count={rows.length} onChange={setOffset} />
              </>
            )
          }
        </AsyncView>
      </section>
      {rehost && sessions.data?.some((s) => s.sessionId === rehost) && (
        <SessionHost
          key={rehost}
          session={sessions.data.find((s) => s.sessionId === rehost)!}
          onChanged={sessions.reload}
        />
      )}
      {chosen && <Cards key={chosen} sessionId={chosen} />}
    </>
  );
}

/** Whether /lives and the share posters show the session's products (at list price). */
function LineupSwitch({ session, onChanged }: { session: LiveSession; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <>
      <input
        type="checkbox"
        aria-label={`${tk('publicLineup')}: ${session.title}`}
        checked={session.lineupPublic}
        disabled={busy || session.state === 'ended'}
        onChange={async (e) => {
          setBusy(true);
          setError(undefined);
          try {
            await api.put(`/api/live-sessions/${session.sessionId}/lineup-visibility`, {
              public: (e.currentTarget as HTMLInputElement).checked,
            });
            onChanged();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      />
      {error !== undefined && <ErrorNotice error={error} />}
    </>
  );
}

function Cards({ sessionId }: { sessionId: string }) {
  const cards = useAsync(
    (signal) => api.get<Card[]>(`/api/live-sessions/${sessionId}/cards`, { signal }),
    [sessionId],
  );
  const products = useAsync((signal) => api.get<Product[]>('/api/products?limit=100', { signal }), []);
  const [skuId, setSkuId] = useState('');
  const [quantity, setQuantity] = useState('10');
  const action = useAction();
  const skus = (products.data ?? []).flatMap((p) =>
    p.skus.map((s) => ({ ...s, title: localised(p.titles) })),
  );
  return (
    <section class="panel" aria-labelledby="cards-h">
      <h3 id="cards-h">{tk('cards')}</h3>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.post(`/api/live-sessions/${sessionId}/cards`, {
              skuId: skuId || skus[0]?.skuId,
              quantity: Number(quantity),
            });
            cards.reload();
            return ts('done');
          });
        }}
      >
        <label class="field inline">
          <span>{tk('sku')}</span>
          <select value={skuId} onChange={(e) => setSkuId((e.currentTarget as HTMLSelectElement).value)}>
            {skus.map((s) => (
              <option key={s.skuId} value={s.skuId}>
                {s.title} · {s.code} ({s.stockOnHand})
              </option>
            ))}
          </select>
        </label>
        <Input label={tk('quantity')} type="number" value={quantity} onInput={setQuantity} required />
        <button type="submit" disabled={action.busy || skus.length === 0}>
          {tk('addCard')}
        </button>
      </form>
      {action.view()}
      <AsyncView state={cards}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="hint">{ts('none')}</p>
          ) : (
            <table class="cards-table">
              <tbody>
                {rows.map((c) => (
                  <tr key={c.cardId} data-card-id={c.cardId}>
                    <th scope="row">{localised(c.titles)}</th>
                    <td>{formatMoney(c.priceMinor, c.currency)}</td>
                    <td>
                      {tk('remaining')}: {c.remaining} / {c.allotted}
                    </td>
                    <td>{c.state}</td>
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
