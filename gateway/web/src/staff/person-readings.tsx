// Readings on the people page, only as "Health data and access" allows: a chosen person's recent raw
// readings for staff (the server checks consent and logs every read, so they load only when asked), and
// readings not linked to anyone yet, which staff assign to the chosen person.
import { useState } from 'preact/hooks';
import type { Reading } from '../../../../protocols/index.ts';
import { api, type Person } from '../common/api.ts';
import { formatDateTime, formatNumber } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, Loading, useAsync } from '../common/ui.tsx';
import { ConfirmButton, useAction } from './kit.tsx';
import { ts } from './messages.ts';

const RECENT = 20;

type Loaded =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ok'; rows: Reading[] }
  | { status: 'error'; error: unknown };

export function PersonReadings({ person }: { person: Person }) {
  const [state, setState] = useState<Loaded>({ status: 'idle' });
  const load = async () => {
    setState({ status: 'loading' });
    try {
      const rows = await api.get<Reading[]>(`/api/people/${person.id}/readings?limit=${RECENT}`);
      setState({ status: 'ok', rows });
    } catch (error) {
      setState({ status: 'error', error });
    }
  };
  return (
    <section class="person-readings" aria-labelledby="person-readings-h">
      <h4 id="person-readings-h">{ts('recentReadings')}</h4>
      <p class="hint">
        {person.consents.healthData ? ts('consentGiven') : ts('consentMissing')} {ts('readsLogged')}
      </p>
      {state.status === 'idle' && (
        <button type="button" onClick={() => void load()}>
          {ts('showReadings')}
        </button>
      )}
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorNotice error={state.error} onRetry={() => void load()} />}
      {state.status === 'ok' &&
        (state.rows.length === 0 ? (
          <p class="hint">{ts('none')}</p>
        ) : (
          <table class="person-readings-table">
            <thead>
              <tr>
                <th scope="col">{ts('measured')}</th>
                <th scope="col">{ts('metric')}</th>
                <th scope="col">{ts('value')}</th>
                <th scope="col">{ts('deviceId')}</th>
              </tr>
            </thead>
            <tbody>
              {state.rows.map((r) => (
                <tr key={r.id} data-reading-id={r.id}>
                  <td>{formatDateTime(r.measuredAtMs)}</td>
                  <td>{r.metric}</td>
                  <td data-col="value">{formatNumber(r.value, 2)}</td>
                  <td>{r.deviceId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

export function UnlinkedReadings({ person }: { person: Person | undefined }) {
  const list = useAsync((signal) => api.get<Reading[]>('/api/readings/unlinked?limit=100', { signal }), []);
  const [picked, setPicked] = useState<number[]>([]);
  const action = useAction();
  return (
    <section class="panel" aria-labelledby="unlinked-h">
      <h3 id="unlinked-h">{ts('unlinked')}</h3>
      <AsyncView state={list}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="hint">{ts('none')}</p>
          ) : (
            <table class="readings-table">
              <thead>
                <tr>
                  <th scope="col">{ts('select')}</th>
                  <th scope="col">{ts('deviceId')}</th>
                  <th scope="col">{ts('metric')}</th>
                  <th scope="col">{ts('value')}</th>
                  <th scope="col">{ts('memberCode')}</th>
                  <th scope="col">{ts('measured')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${ts('select')} ${r.id}`}
                        checked={picked.includes(r.id)}
                        onChange={(e) =>
                          setPicked((p) =>
                            (e.currentTarget as HTMLInputElement).checked
                              ? [...p, r.id]
                              : p.filter((x) => x !== r.id),
                          )
                        }
                      />
                    </td>
                    <td>{r.deviceId}</td>
                    <td>{r.metric}</td>
                    <td>{formatNumber(r.value, 2)}</td>
                    <td>{r.memberCode ?? '—'}</td>
                    <td>{formatDateTime(r.measuredAtMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
      {person && (
        <ConfirmButton
          label={`${ts('assignTo')}: ${person.displayName}`}
          text={`${ts('assignTo')}: ${person.displayName} (${picked.length})`}
          disabled={action.busy || picked.length === 0}
          onConfirm={() =>
            action.run(async () => {
              await api.post('/api/readings/assign', { readingIds: picked, personId: person.id });
              setPicked([]);
              list.reload();
              return ts('done');
            })
          }
        />
      )}
      {action.view()}
    </section>
  );
}
