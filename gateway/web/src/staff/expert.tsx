// The expert's page: the consultations of today and the next days, the chosen person's timeline
// (previous consultations, orders, and readings only when the person consented — the server audits that
// read), the outcome, and the notes with the person's summary and recommended products.
import { useState } from 'preact/hooks';
import type { ConsultationViewWire } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { consultLink, joinable } from '../common/consult-link.ts';
import { formatDateTime, formatMoney } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { tx } from './experts-messages.ts';
import { ActionForm, commaList, SubmitButton, useAction } from './kit.tsx';
import { ts } from './messages.ts';
import { ReadingGuides } from './reading-guides.tsx';

type Scheduled = ConsultationViewWire & { personName: string };
interface Timeline {
  personId: string;
  displayName: string;
  healthDataConsent: boolean;
  consultations: ConsultationViewWire[];
  orders: Array<{
    orderId: string;
    status: string;
    totalMinor: number;
    currency: string;
    createdAtMs: number;
  }>;
  readings?: Array<{ metric: string; value: number; measuredAtMs: number }>;
}

const DAY_MS = 86_400_000;

export function ExpertPage() {
  const from = new Date().setHours(0, 0, 0, 0);
  const schedule = useAsync(
    (signal) =>
      api.get<{ consultations: Scheduled[] }>(`/api/expert/schedule?from=${from}&to=${from + 7 * DAY_MS}`, {
        signal,
      }),
    [from],
  );
  const [chosen, setChosen] = useState<Scheduled>();
  const action = useAction();
  return (
    <>
      <section class="panel">
        <h3>{tx('today')}</h3>
        {action.view()}
        <AsyncView state={schedule}>
          {({ consultations }) =>
            consultations.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <table>
                <tbody>
                  {consultations.map((c) => (
                    <tr key={c.consultationId} data-consultation-id={c.consultationId} data-status={c.status}>
                      <th scope="row">{formatDateTime(c.startsAtMs)}</th>
                      <td>{c.personName}</td>
                      <td>{c.status}</td>
                      <td class="actions">
                        <button type="button" onClick={() => setChosen(c)}>
                          {tx('open')}
                        </button>
                        {joinable(c) ? (
                          <a
                            class="button"
                            href={consultLink(c.consultationId)}
                            target="_blank"
                            rel="noopener"
                          >
                            {tx('joinVideo')}
                          </a>
                        ) : null}
                        {c.status === 'booked' && c.startsAtMs <= Date.now()
                          ? (['consulted', 'no_show'] as const).map((outcome) => (
                              <button
                                key={outcome}
                                type="button"
                                disabled={action.busy}
                                onClick={() =>
                                  action.run(async () => {
                                    await api.post(`/api/consultations/${c.consultationId}/outcome`, {
                                      outcome,
                                    });
                                    schedule.reload();
                                    return ts('done');
                                  })
                                }
                              >
                                {outcome === 'consulted' ? tx('consulted') : tx('noShow')}
                              </button>
                            ))
                          : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </AsyncView>
      </section>
      {chosen ? (
        <PersonTimeline key={chosen.consultationId} consultation={chosen} onSaved={schedule.reload} />
      ) : null}
    </>
  );
}

function PersonTimeline({ consultation, onSaved }: { consultation: Scheduled; onSaved: () => void }) {
  const timeline = useAsync(
    (signal) => api.get<Timeline>(`/api/expert/people/${consultation.personId}`, { signal }),
    [consultation.personId],
  );
  const [notes, setNotes] = useState(consultation.notes ?? '');
  const [summary, setSummary] = useState(consultation.summary ?? '');
  const [products, setProducts] = useState(consultation.recommendedProductIds.join(', '));
  return (
    <section class="panel" data-person-id={consultation.personId}>
      <AsyncView state={timeline}>
        {(t) => (
          <>
            <h3>{t.displayName}</h3>
            <h4>{tx('consultations')}</h4>
            <ul>
              {t.consultations.map((c) => (
                <li key={c.consultationId}>
                  {formatDateTime(c.startsAtMs)} · {c.expertName ?? ''} · {c.status}
                  {c.notes ? ` — ${c.notes}` : ''}
                </li>
              ))}
            </ul>
            <h4>{tx('orders')}</h4>
            <ul>
              {t.orders.map((o) => (
                <li key={o.orderId}>
                  {formatDateTime(o.createdAtMs)} · {formatMoney(o.totalMinor, o.currency)} · {o.status}
                </li>
              ))}
            </ul>
            <h4>{tx('readings')}</h4>
            {t.readings ? (
              <ul data-readings={t.readings.length}>
                {t.readings.slice(0, 20).map((r) => (
                  <li key={`${r.metric}${r.measuredAtMs}`}>
                    {formatDateTime(r.measuredAtMs)} · {r.metric} {r.value}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="hint">{tx('noConsent')}</p>
            )}
            {t.readings ? <ReadingGuides metrics={t.readings.map((r) => r.metric)} /> : null}
          </>
        )}
      </AsyncView>
      <ActionForm
        label={tx('saveNotes')}
        run={async () => {
          await api.put(`/api/consultations/${consultation.consultationId}/notes`, {
            notes,
            summary,
            recommendedProductIds: commaList(products),
          });
          onSaved();
          return ts('done');
        }}
      >
        {(busy, outcome) => (
          <>
            <label class="field">
              <span>{tx('notes')}</span>
              <textarea
                maxLength={8000}
                value={notes}
                onInput={(e) => setNotes((e.currentTarget as HTMLTextAreaElement).value)}
              />
            </label>
            <label class="field">
              <span>{tx('summary')}</span>
              <textarea
                maxLength={4000}
                value={summary}
                onInput={(e) => setSummary((e.currentTarget as HTMLTextAreaElement).value)}
              />
            </label>
            <label class="field">
              <span>{tx('products')}</span>
              <input
                value={products}
                onInput={(e) => setProducts((e.currentTarget as HTMLInputElement).value)}
              />
            </label>
            <SubmitButton busy={busy}>{tx('saveNotes')}</SubmitButton>
            {outcome}
          </>
        )}
      </ActionForm>
    </section>
  );
}
