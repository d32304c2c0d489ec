// Pick one of my live sessions (staff see all) or schedule a new one.
import { useState } from 'preact/hooks';
import { api, auth } from '../common/api.ts';
import { formatDateTime } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, Field, useAsync } from '../common/ui.tsx';
import type { LiveSession } from './console-state.ts';
import { th } from './messages.ts';

export function SessionPicker({ onPick }: { onPick: (s: LiveSession) => void }) {
  const sessions = useAsync(() => api.get<LiveSession[]>('/api/live-sessions?limit=50'), []);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const me = auth.person;
  const staff = auth.hasRole('staff', 'admin');

  async function create(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onPick(await api.post<LiveSession>('/api/live-sessions', { title: title.trim() }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="grid picker">
      <form class="panel new-session" onSubmit={create} aria-labelledby="new-session-title">
        <h2 id="new-session-title">{th('newSession')}</h2>
        <Field
          label={th('sessionTitle')}
          name="title"
          value={title}
          onInput={setTitle}
          required
          maxLength={200}
        />
        {error !== undefined && <ErrorNotice error={error} />}
        <button type="submit" class="primary" disabled={busy}>
          {th('create')}
        </button>
      </form>
      <section class="panel" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{th('sessions')}</h2>
        <AsyncView state={sessions}>
          {(list) => {
            const mine = list.filter((s) => staff || s.hostPersonId === me?.id);
            if (mine.length === 0) return <p class="hint">{th('noSessions')}</p>;
            return (
              <ul class="session-list">
                {mine.map((s) => (
                  <li key={s.sessionId} data-session-id={s.sessionId}>
                    <span>
                      <strong>{s.title}</strong> · <span class="badge">{th(`state_${s.state}`)}</span>
                      {s.scheduledAtMs ? ` · ${formatDateTime(s.scheduledAtMs)}` : ''}
                    </span>
                    <button type="button" class="secondary" onClick={() => onPick(s)}>
                      {th('pick')}
                    </button>
                  </li>
                ))}
              </ul>
            );
          }}
        </AsyncView>
      </section>
    </div>
  );
}
