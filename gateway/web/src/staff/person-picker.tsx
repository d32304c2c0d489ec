// Choosing a person by searching the people list (name, e-mail, phone or member code); used where a page
// assigns someone (the host of a live session). The choice is reported, nothing is saved here.
import { useState } from 'preact/hooks';
import type { PeoplePage } from '../../../../protocols/index.ts';
import { api, type Person } from '../common/api.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { tk } from './catalog-messages.ts';
import { ts } from './messages.ts';

const RESULTS = 8;

export function PersonPicker({
  label,
  chosen,
  onChoose,
}: {
  label: string;
  chosen: Person | undefined;
  onChoose: (p: Person) => void;
}) {
  const [input, setInput] = useState('');
  const [q, setQ] = useState('');
  return (
    <div class="person-picker">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(input.trim());
        }}
      >
        <label class="field inline grow">
          <span>{label}</span>
          <input
            type="search"
            value={input}
            placeholder={ts('searchOrders')}
            onInput={(e) => setInput((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">{ts('search')}</button>
      </form>
      {q && <Results q={q} chosen={chosen} onChoose={onChoose} />}
    </div>
  );
}

function Results({
  q,
  chosen,
  onChoose,
}: {
  q: string;
  chosen: Person | undefined;
  onChoose: (p: Person) => void;
}) {
  const found = useAsync(
    (signal) => api.get<PeoplePage>(`/api/people?q=${encodeURIComponent(q)}&limit=${RESULTS}`, { signal }),
    [q],
  );
  return (
    <AsyncView state={found}>
      {({ items }) =>
        items.length === 0 ? (
          <p class="hint">{ts('none')}</p>
        ) : (
          <ul class="picker-results">
            {items.map((p) => (
              <li key={p.id} data-person-id={p.id}>
                <button
                  type="button"
                  aria-pressed={chosen?.id === p.id}
                  aria-label={`${tk('choose')}: ${p.displayName}`}
                  onClick={() => onChoose(p)}
                >
                  {p.displayName}
                </button>{' '}
                <code>{p.memberCode}</code> <span class="hint">{p.roles.join(', ')}</span>
              </li>
            ))}
          </ul>
        )
      }
    </AsyncView>
  );
}
