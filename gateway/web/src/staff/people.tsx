// People: find by name, phone, e-mail or member code; for the chosen person their roles (admins),
// a password-reset code and their recent readings where health-data access allows (staff), and the
// unlinked readings that can be assigned to them (staff).
import { useState } from 'preact/hooks';
import type { PeoplePage as PeopleResults, ResetCode } from '../../../../protocols/index.ts';
import { ROLES, type Role } from '../../../../protocols/roles.ts';
import { api, auth, type Person } from '../common/api.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { ConfirmButton, PAGE_SIZE, Pager, RowChooser, useAction } from './kit.tsx';
import { ts } from './messages.ts';
import { PersonReadings, UnlinkedReadings } from './person-readings.tsx';

export function PeoplePage() {
  const [input, setInput] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [chosen, setChosen] = useState<Person>();
  const list = useAsync(
    (signal) =>
      api.get<PeopleResults>(`/api/people?q=${encodeURIComponent(q)}&limit=${PAGE_SIZE}&offset=${offset}`, {
        signal,
      }),
    [q, offset],
  );
  const staff = auth.hasRole('staff', 'admin');
  return (
    <>
      <section class="panel">
        <form
          class="row"
          aria-label={ts('search')}
          onSubmit={(e) => {
            e.preventDefault();
            setOffset(0);
            setQ(input.trim());
          }}
        >
          <label class="field inline grow">
            <span>{ts('search')}</span>
            <input
              type="search"
              value={input}
              aria-label={ts('searchOrders')}
              placeholder={ts('searchOrders')}
              onInput={(e) => setInput((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="primary">
            {ts('search')}
          </button>
        </form>
        <AsyncView state={list}>
          {({ items, total }) =>
            items.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <>
                <table class="people-table">
                  <thead>
                    <tr>
                      <th scope="col">{ts('name')}</th>
                      <th scope="col">{ts('memberCode')}</th>
                      <th scope="col">{ts('emailOrPhone')}</th>
                      <th scope="col">{ts('kind')}</th>
                      <th scope="col">{ts('roles')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((p) => (
                      <tr key={p.id} data-person-id={p.id} aria-selected={chosen?.id === p.id}>
                        <RowChooser name={p.displayName} onChoose={() => setChosen(p)} />
                        <td>
                          <code>{p.memberCode}</code>
                        </td>
                        <td>{p.email ?? p.phone ?? '—'}</td>
                        <td>{p.kind}</td>
                        <td>{p.roles.join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <Pager offset={offset} count={items.length} total={total} onChange={setOffset} />
              </>
            )
          }
        </AsyncView>
      </section>
      {chosen && staff && <PersonPanel key={chosen.id} person={chosen} onChanged={list.reload} />}
      {staff && <UnlinkedReadings person={chosen} />}
    </>
  );
}

function PersonPanel({ person, onChanged }: { person: Person; onChanged: () => void }) {
  const [roles, setRoles] = useState(person.roles);
  const [role, setRole] = useState<Role>('staff');
  const action = useAction();
  const admin = auth.hasRole('admin');
  return (
    <section class="panel person-panel" aria-label={person.displayName}>
      <h3>{ts('selected', { name: person.displayName })}</h3>
      {admin && (
        <div class="row">
          <span>{ts('roles')}:</span>
          {roles.map((r) => (
            <ConfirmButton
              key={r}
              label={ts('removeRole', { role: r })}
              text={`${ts('removeRole', { role: r })} — ${person.displayName}`}
              disabled={action.busy}
              onConfirm={() =>
                action.run(async () => {
                  const p = await api.delete<Person>(`/api/people/${person.id}/roles/${r}`);
                  setRoles(p.roles);
                  onChanged();
                  return ts('done');
                })
              }
            />
          ))}
          <select
            aria-label={ts('addRole')}
            value={role}
            onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}
          >
            {ROLES.filter((r) => !roles.includes(r)).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              action.run(async () => {
                const p = await api.post<Person>(`/api/people/${person.id}/roles`, { role });
                setRoles(p.roles);
                onChanged();
                return ts('done');
              })
            }
          >
            {ts('addRole')}
          </button>
        </div>
      )}
      <ConfirmButton
        label={ts('resetCode')}
        text={`${ts('resetCode')} — ${person.displayName}`}
        disabled={action.busy}
        onConfirm={() =>
          action.run(async () => {
            const r = await api.post<ResetCode>(`/api/people/${person.id}/reset-code`);
            return ts('resetCodeIs', { name: person.displayName, code: r.code });
          })
        }
      />
      {action.view()}
      <PersonReadings person={person} />
    </section>
  );
}
