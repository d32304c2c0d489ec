// The sessions on air, with a drill-down into one session's figures.
import { useState } from 'preact/hooks';
import type { StreamState } from '../figures.ts';
import { ts } from '../messages.ts';
import { SessionDetail } from './session-detail.tsx';

export function Sessions({ stream, money }: { stream: StreamState; money: (m: number) => string }) {
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
