// Member page panels for experts: book a free slot of an expert, my consultations (with the expert's
// summary; cancel while allowed) and the products my expert recommended.
import { useState } from 'preact/hooks';
import type { ConsultationViewWire } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { consultLink, joinable } from '../common/consult-link.ts';
import { formatDateTime, localised } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, useAsync } from '../common/ui.tsx';
import { tc } from './consultation-messages.ts';

interface ExpertRow {
  expertId: string;
  name: string;
  specialities: string[];
}
interface SlotRow {
  startsAtMs: number;
  clinicId: string | null;
  free: boolean;
}

const DAY_MS = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);

export function BookingPanel({ onBooked }: { onBooked: () => void }) {
  const experts = useAsync(() => api.get<{ experts: ExpertRow[] }>('/api/experts'), []);
  const [expertId, setExpertId] = useState('');
  const [day, setDay] = useState(today());
  const [error, setError] = useState<unknown>();
  const chosen = expertId || experts.data?.experts[0]?.expertId || '';
  const slots = useAsync(async () => {
    if (!chosen) return [];
    const from = Date.parse(`${day}T00:00:00`);
    const r = await api.get<{ slots: SlotRow[] }>(
      `/api/experts/${chosen}/slots?from=${from}&to=${from + DAY_MS}`,
    );
    return r.slots.filter((s) => s.free && s.startsAtMs > Date.now());
  }, [chosen, day]);
  const book = async (startsAtMs: number) => {
    setError(undefined);
    try {
      await api.post('/api/consultations', { expertId: chosen, startsAtMs });
      slots.reload();
      onBooked();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="book-title">
      <h2 id="book-title">{tc('book')}</h2>
      <AsyncView state={experts}>
        {({ experts: list }) =>
          list.length === 0 ? (
            <p class="hint">{tc('noExperts')}</p>
          ) : (
            <>
              <label>
                {tc('expert')}{' '}
                <select value={chosen} onChange={(e) => setExpertId((e.target as HTMLSelectElement).value)}>
                  {list.map((x) => (
                    <option key={x.expertId} value={x.expertId}>
                      {x.name}
                      {x.specialities.length ? ` · ${x.specialities.join(', ')}` : ''}
                    </option>
                  ))}
                </select>
              </label>{' '}
              <label>
                {tc('day')}{' '}
                <input
                  type="date"
                  value={day}
                  min={today()}
                  onInput={(e) => setDay((e.target as HTMLInputElement).value)}
                />
              </label>
              <AsyncView state={slots}>
                {(free) =>
                  free.length === 0 ? (
                    <p class="hint">{tc('noSlots')}</p>
                  ) : (
                    <div class="row-actions slots">
                      {free.map((s) => (
                        <button
                          type="button"
                          class="secondary"
                          key={s.startsAtMs}
                          data-slot={s.startsAtMs}
                          onClick={() => void book(s.startsAtMs)}
                        >
                          {formatDateTime(s.startsAtMs)} · {s.clinicId ? tc('atClinic') : tc('online')}
                        </button>
                      ))}
                    </div>
                  )
                }
              </AsyncView>
              {error ? <ErrorNotice error={error} /> : null}
            </>
          )
        }
      </AsyncView>
    </section>
  );
}

export function MyConsultationsPanel({ version }: { version: number }) {
  const mine = useAsync(
    () => api.get<{ consultations: ConsultationViewWire[] }>('/api/me/consultations'),
    [version],
  );
  const [error, setError] = useState<unknown>();
  const cancel = async (id: string) => {
    setError(undefined);
    try {
      await api.post(`/api/consultations/${id}/cancel`);
      mine.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="consultations-title">
      <h2 id="consultations-title">{tc('mine')}</h2>
      {error ? <ErrorNotice error={error} /> : null}
      <AsyncView state={mine}>
        {({ consultations }) =>
          consultations.length === 0 ? (
            <p class="hint">{tc('none')}</p>
          ) : (
            <ul class="consultations">
              {consultations.map((c) => (
                <li key={c.consultationId} data-consultation-id={c.consultationId} data-status={c.status}>
                  <strong>{formatDateTime(c.startsAtMs)}</strong> · {c.expertName ?? ''} ·{' '}
                  {c.clinicId ? tc('atClinic') : tc('online')} · {tc(`${c.status as 'booked'}_status`)}
                  {c.summary ? (
                    <p>
                      {tc('summary')}: {c.summary}
                    </p>
                  ) : null}
                  {joinable(c) ? (
                    <a class="button" href={consultLink(c.consultationId)} target="_blank" rel="noopener">
                      {tc('joinVideo')}
                    </a>
                  ) : null}
                  {c.status === 'booked' ? (
                    <button type="button" class="secondary" onClick={() => void cancel(c.consultationId)}>
                      {tc('cancel')}
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </AsyncView>
    </section>
  );
}

export function RecommendedPanel({ version }: { version: number }) {
  const recs = useAsync(
    () =>
      api.get<{
        products: Array<{ productId: string; titles: Record<string, string>; expertName: string | null }>;
      }>('/api/me/recommendations'),
    [version],
  );
  if (recs.status === 'ok' && recs.data.products.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="recommended-title">
      <h2 id="recommended-title">{tc('recommended')}</h2>
      <AsyncView state={recs}>
        {({ products }) => (
          <ul class="recommended">
            {products.map((p) => (
              <li key={p.productId} data-product-id={p.productId}>
                {localised(p.titles)}
                {p.expertName ? ` · ${p.expertName}` : ''}
              </li>
            ))}
          </ul>
        )}
      </AsyncView>
    </section>
  );
}
