// The delivery log (/staff/messages): figures per kind and channel (sent, delivered by the provider's
// receipt, clicked on our tracked link, failed), then messages newest first, searchable by
// person, kind and status, with resend for failed, suppressed or sent ones. Staff and admins only.
import { useState } from 'preact/hooks';
import type { LoggedMessageView, MessageFiguresView } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { Input, useAction } from './kit.tsx';
import { tm } from './messages-log-messages.ts';

const STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;

export function MessagesPage() {
  const [personId, setPersonId] = useState('');
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('');
  const [query, setQuery] = useState('');
  const [reload, setReload] = useState(0);
  const figures = useAsync(
    (signal) => api.get<MessageFiguresView>('/api/staff/messages/figures', { signal }),
    [reload],
  );
  const log = useAsync(
    (signal) =>
      api.get<{ items: LoggedMessageView[]; total: number }>(`/api/staff/messages?limit=50${query}`, {
        signal,
      }),
    [query, reload],
  );
  const resend = useAction();
  return (
    <section class="panel">
      <h2>{tm('figures')}</h2>
      <AsyncView state={figures}>
        {(rows) => (
          <table class="message-figures">
            <thead>
              <tr>
                <th scope="col">{tm('kind')}</th>
                <th scope="col">{tm('channel')}</th>
                <th scope="col">{tm('queued')}</th>
                <th scope="col">{tm('sent')}</th>
                <th scope="col">{tm('delivered')}</th>
                <th scope="col">{tm('clicked')}</th>
                <th scope="col">{tm('failed')}</th>
                <th scope="col">{tm('suppressed')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.flatMap((r) => [
                <tr key={r.kind} data-kind={r.kind}>
                  <th scope="row">{r.kind}</th>
                  <td>{tm('allChannels')}</td>
                  <td>{r.queued}</td>
                  <td>{r.sent}</td>
                  <td>{r.delivered}</td>
                  <td>{r.clicked}</td>
                  <td>{r.failed}</td>
                  <td>{r.suppressed}</td>
                </tr>,
                ...r.channels.map((c) => (
                  <tr key={`${r.kind}/${c.channel}`} data-kind={r.kind} data-channel={c.channel}>
                    <td />
                    <td>{c.channel}</td>
                    <td />
                    <td>{c.sent}</td>
                    <td title={c.undelivered ? tm('undelivered', { n: c.undelivered }) : undefined}>
                      {c.delivered}
                    </td>
                    <td>{c.clicked}</td>
                    <td>{c.failed}</td>
                    <td />
                  </tr>
                )),
              ])}
            </tbody>
          </table>
        )}
      </AsyncView>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const q = new URLSearchParams();
          if (personId.trim()) q.set('personId', personId.trim());
          if (kind.trim()) q.set('kind', kind.trim());
          if (status) q.set('status', status);
          setQuery(q.size ? `&${q}` : '');
        }}
      >
        <Input label={tm('person')} value={personId} onInput={setPersonId} />
        <Input label={tm('kind')} value={kind} onInput={setKind} />
        <label>
          {tm('status')}
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">{tm('any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          {tm('search')}
        </button>
      </form>
      {resend.view()}
      <AsyncView state={log}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="hint">{tm('none')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{tm('created')}</th>
                  <th scope="col">{tm('person')}</th>
                  <th scope="col">{tm('kind')}</th>
                  <th scope="col">{tm('channel')}</th>
                  <th scope="col">{tm('status')}</th>
                  <th scope="col">{tm('receipt')}</th>
                  <th scope="col">{tm('clicked')}</th>
                  <th scope="col">{tm('attempts')}</th>
                  <th scope="col">{tm('error')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <tr key={m.messageId}>
                    <td>{m.messageId}</td>
                    <td>{new Date(m.createdAtMs).toLocaleString()}</td>
                    <td>{m.personId}</td>
                    <td>{m.kind}</td>
                    <td>{m.channel ?? '—'}</td>
                    <td>{m.status}</td>
                    <td>{m.receipt ?? ''}</td>
                    <td>{m.clickedAtMs === null ? '' : new Date(m.clickedAtMs).toLocaleString()}</td>
                    <td>{m.attempts}</td>
                    <td>{m.lastError ?? ''}</td>
                    <td>
                      {(m.status === 'failed' || m.status === 'suppressed' || m.status === 'sent') && (
                        <button
                          type="button"
                          disabled={resend.busy}
                          onClick={() =>
                            resend.run(async () => {
                              const r = await api.post<{ messageId: number }>(
                                `/api/staff/messages/${m.messageId}/resend`,
                              );
                              setReload((n) => n + 1);
                              return tm('resent', { id: r.messageId });
                            })
                          }
                        >
                          {tm('resend')}
                        </button>
                      )}
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
