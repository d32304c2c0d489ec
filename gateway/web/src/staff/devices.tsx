// Devices (/staff/devices): register (the secret is shown once), presence, rotate the secret, disable
// or enable, send a command; and edge tokens for standalone edges (admins).
import { useState } from 'preact/hooks';
import type { Device, DeviceSecret, EdgeToken } from '../../../../protocols/index.ts';
import { api, auth } from '../common/api.ts';
import { formatDateTime } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { ConfirmButton, Input, PAGE_SIZE, Pager, useAction } from './kit.tsx';
import { ts } from './messages.ts';

export function DevicesPage() {
  const list = useAsync((signal) => api.get<Device[]>('/api/devices', { signal }), []);
  const [offset, setOffset] = useState(0);
  const action = useAction();
  const [id, setId] = useState('');
  const [kind, setKind] = useState('scale');
  const [location, setLocation] = useState('');
  const secretShown = (r: { id: string; secret: string }) => ts('secretOnce', { id: r.id, secret: r.secret });
  return (
    <>
      <form
        class="panel"
        aria-label={ts('register')}
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const r = await api.post<DeviceSecret>('/api/devices', {
              id: id.trim(),
              kind: kind.trim(),
              location: location.trim(),
            });
            setId('');
            list.reload();
            return secretShown(r);
          });
        }}
      >
        <div class="row">
          <Input label={ts('deviceId')} value={id} onInput={setId} required />
          <Input label={ts('kind')} value={kind} onInput={setKind} required />
          <Input label={ts('location')} value={location} onInput={setLocation} required />
          <button type="submit" class="primary" disabled={action.busy}>
            {ts('register')}
          </button>
        </div>
      </form>
      <div class="secret">{action.view()}</div>
      <section class="panel">
        <AsyncView state={list}>
          {(devices) => {
            const page = devices.slice(offset, offset + PAGE_SIZE);
            return devices.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <>
                <table class="devices-table">
                  <thead>
                    <tr>
                      <th scope="col">{ts('deviceId')}</th>
                      <th scope="col">{ts('kind')}</th>
                      <th scope="col">{ts('location')}</th>
                      <th scope="col">{ts('online')}</th>
                      <th scope="col">{ts('lastSeen')}</th>
                      <th scope="col">{ts('readingsToday')}</th>
                      <th scope="col">{ts('actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.map((d) => (
                      <tr key={d.id} data-device-id={d.id} data-online={String(Boolean(d.online))}>
                        <th scope="row">
                          <code>{d.id}</code>
                        </th>
                        <td>{d.kind}</td>
                        <td>{d.location}</td>
                        <td>
                          <span class={`badge ${d.online ? 'ok' : 'bad'}`}>
                            {d.disabled ? ts('disable') : d.online ? ts('online') : '—'}
                          </span>
                        </td>
                        <td>{d.lastSeenMs ? formatDateTime(d.lastSeenMs) : '—'}</td>
                        <td>{d.readingsToday ?? 0}</td>
                        <td class="actions">
                          <ConfirmButton
                            label={ts('rotate')}
                            text={`${ts('rotate')} — ${d.id}`}
                            disabled={action.busy}
                            onConfirm={() =>
                              action.run(async () =>
                                secretShown(
                                  await api.post<DeviceSecret>(`/api/devices/${d.id}/rotate-secret`),
                                ),
                              )
                            }
                          />
                          <ConfirmButton
                            danger={!d.disabled}
                            label={d.disabled ? ts('enable') : ts('disable')}
                            text={`${d.disabled ? ts('enable') : ts('disable')} — ${d.id}`}
                            disabled={action.busy}
                            onConfirm={() =>
                              action.run(async () => {
                                await api.post(`/api/devices/${d.id}/disabled`, { disabled: !d.disabled });
                                list.reload();
                                return ts('done');
                              })
                            }
                          />
                          {(['identify', 'sync-time'] as const).map((command) => (
                            <button
                              type="button"
                              key={command}
                              disabled={action.busy || !d.online}
                              onClick={() =>
                                action.run(async () => {
                                  await api.post(`/api/devices/${d.id}/commands`, { command });
                                  return ts('commandSent');
                                })
                              }
                            >
                              {command === 'identify' ? ts('identify') : ts('syncTime')}
                            </button>
                          ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <Pager offset={offset} count={page.length} total={devices.length} onChange={setOffset} />
              </>
            );
          }}
        </AsyncView>
      </section>
      {auth.hasRole('admin') && <EdgeTokens />}
    </>
  );
}

function EdgeTokens() {
  const [name, setName] = useState('');
  const [revokeId, setRevokeId] = useState('');
  const action = useAction();
  return (
    <section class="panel" aria-labelledby="tokens-h">
      <h3 id="tokens-h">{ts('edgeTokens')}</h3>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const r = await api.post<EdgeToken>('/api/edge-tokens', {
              name: name.trim(),
            });
            setName('');
            return `${r.id} · ${ts('tokenOnce', { token: r.token })}`;
          });
        }}
      >
        <Input label={ts('tokenName')} value={name} onInput={setName} required />
        <button type="submit" disabled={action.busy}>
          {ts('issue')}
        </button>
      </form>
      <div class="row">
        <Input label={ts('revokeId')} value={revokeId} onInput={setRevokeId} />
        <ConfirmButton
          danger
          label={ts('revoke')}
          text={`${ts('revoke')} — ${revokeId}`}
          disabled={action.busy || !revokeId.trim()}
          onConfirm={() =>
            action.run(async () => {
              await api.delete(`/api/edge-tokens/${encodeURIComponent(revokeId.trim())}`);
              setRevokeId('');
              return ts('done');
            })
          }
        />
      </div>
      {action.view()}
    </section>
  );
}
