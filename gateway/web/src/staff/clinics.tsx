// Clinics and alert rules, for staff and admins: the clinic list with a form to add one (names and
// addresses in the three languages, weekly hours, staff) or archive it; the alert rules with a form to
// add one and a switch to turn each on or off. The server checks every field again.
import { useState } from 'preact/hooks';
import type { ClinicWire, GoalRules } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { LANGS, localised } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { tx } from './experts-messages.ts';
import { ActionForm, commaList, Input, SubmitButton, useAction } from './kit.tsx';
import { ts } from './messages.ts';

const blank = { en: '', 'zh-Hans': '', 'zh-Hant': '' };
const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + (m ?? 0);
};

/** "1 09:00-18:00" per line → opening hours; throws on a line it cannot read. */
export function parseHours(text: string) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^([0-6])\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(line);
      if (!m) throw new Error(tx('hoursInvalid'));
      return { weekday: Number(m[1]), fromMin: minutes(m[2]!), toMin: minutes(m[3]!) };
    });
}

export function ClinicsPage() {
  const data = useAsync((signal) => api.get<{ clinics: ClinicWire[] }>('/api/clinics/all', { signal }), []);
  const [name, setName] = useState({ ...blank });
  const [address, setAddress] = useState({ ...blank });
  const [hours, setHours] = useState('1 09:00-18:00');
  const [staff, setStaff] = useState('');
  const action = useAction();
  return (
    <>
      <section class="panel">
        {action.view()}
        <AsyncView state={data}>
          {({ clinics }) =>
            clinics.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <table>
                <tbody>
                  {clinics.map((c) => (
                    <tr key={c.clinicId} data-clinic-id={c.clinicId} data-archived={c.archived}>
                      <th scope="row">{localised(c.name)}</th>
                      <td>{localised(c.address)}</td>
                      <td>{(c.staffIds ?? []).length}</td>
                      <td class="actions">
                        {c.archived ? null : (
                          <button
                            type="button"
                            disabled={action.busy}
                            onClick={() =>
                              action.run(async () => {
                                await api.patch(`/api/clinics/${c.clinicId}`, { archived: true });
                                data.reload();
                                return ts('done');
                              })
                            }
                          >
                            {tx('archive')}
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
      <section class="panel">
        <ActionForm
          label={tx('addClinic')}
          run={async () => {
            await api.post('/api/clinics', {
              name,
              address,
              openingHours: parseHours(hours),
              staffIds: commaList(staff),
            });
            data.reload();
            return ts('done');
          }}
        >
          {(busy, outcome) => (
            <>
              {LANGS.map((l) => (
                <Input
                  key={`n${l}`}
                  label={`${tx('name')} (${l})`}
                  value={name[l]}
                  onInput={(v) => setName({ ...name, [l]: v })}
                />
              ))}
              {LANGS.map((l) => (
                <Input
                  key={`a${l}`}
                  label={`${tx('address')} (${l})`}
                  value={address[l]}
                  onInput={(v) => setAddress({ ...address, [l]: v })}
                />
              ))}
              <label class="field">
                <span>{tx('hours')}</span>
                <textarea
                  value={hours}
                  onInput={(e) => setHours((e.currentTarget as HTMLTextAreaElement).value)}
                />
              </label>
              <Input label={tx('staffIds')} value={staff} onInput={setStaff} />
              <SubmitButton busy={busy}>{tx('addClinic')}</SubmitButton>
              {outcome}
            </>
          )}
        </ActionForm>
      </section>
    </>
  );
}

interface AlertRuleRow {
  ruleId: string;
  metric: string;
  comparison: 'gte' | 'lte';
  threshold: number;
  severity: string;
  notify: string[];
  message: string;
  enabled: boolean;
}

const AUDIENCES = ['expert', 'clinic_staff', 'follow_up_owner'] as const;

export function AlertRulesPage() {
  const data = useAsync((signal) => api.get<{ rules: AlertRuleRow[] }>('/api/alert-rules', { signal }), []);
  // The metrics devices report, with their ranges, as the goal-rules route lists them.
  const metrics = useAsync((signal) => api.get<GoalRules>('/api/goal-rules', { signal }), []);
  const metricNames = (metrics.data?.metrics ?? []).map((m) => m.metric);
  const [metric, setMetric] = useState('SYSTOLIC_MMHG');
  const [comparison, setComparison] = useState<'gte' | 'lte'>('gte');
  const [threshold, setThreshold] = useState('180');
  const [severity, setSeverity] = useState('urgent');
  const [notify, setNotify] = useState<string[]>(['expert', 'follow_up_owner']);
  const [message, setMessage] = useState('');
  const action = useAction();
  return (
    <>
      <section class="panel">
        {action.view()}
        <AsyncView state={data}>
          {({ rules }) =>
            rules.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{tx('metric')}</th>
                    <th scope="col">{tx('threshold')}</th>
                    <th scope="col">{tx('severity')}</th>
                    <th scope="col">{tx('notify')}</th>
                    <th scope="col">{tx('message')}</th>
                    <th scope="col">{tx('enabled')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rules.map((r) => (
                    <tr key={r.ruleId} data-rule-id={r.ruleId}>
                      <th scope="row">{r.metric}</th>
                      <td>
                        {r.comparison === 'gte' ? '≥' : '≤'} {r.threshold}
                      </td>
                      <td>{r.severity}</td>
                      <td>{r.notify.join(', ')}</td>
                      <td>{r.message}</td>
                      <td>
                        <button
                          type="button"
                          disabled={action.busy}
                          onClick={() =>
                            action.run(async () => {
                              await api.patch(`/api/alert-rules/${r.ruleId}`, { enabled: !r.enabled });
                              data.reload();
                              return ts('done');
                            })
                          }
                        >
                          {r.enabled ? tx('turnOff') : tx('turnOn')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </AsyncView>
      </section>
      <section class="panel">
        <ActionForm
          label={tx('addRule')}
          run={async () => {
            await api.post('/api/alert-rules', {
              metric,
              comparison,
              threshold: Number(threshold),
              severity,
              notify,
              message,
            });
            data.reload();
            return ts('done');
          }}
        >
          {(busy, outcome) => (
            <>
              <label class="field inline">
                <span>{tx('metric')}</span>
                <select
                  value={metric}
                  onChange={(e) => setMetric((e.currentTarget as HTMLSelectElement).value)}
                >
                  {metricNames.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </label>
              <label class="field inline">
                <span>{tx('comparison')}</span>
                <select
                  value={comparison}
                  onChange={(e) =>
                    setComparison((e.currentTarget as HTMLSelectElement).value as 'gte' | 'lte')
                  }
                >
                  <option value="gte">≥</option>
                  <option value="lte">≤</option>
                </select>
              </label>
              <Input
                label={tx('threshold')}
                type="number"
                value={threshold}
                onInput={setThreshold}
                required
              />
              <label class="field inline">
                <span>{tx('severity')}</span>
                <select
                  value={severity}
                  onChange={(e) => setSeverity((e.currentTarget as HTMLSelectElement).value)}
                >
                  {['info', 'warning', 'urgent'].map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              </label>
              <fieldset>
                <legend>{tx('notify')}</legend>
                {AUDIENCES.map((a) => (
                  <label key={a}>
                    <input
                      type="checkbox"
                      checked={notify.includes(a)}
                      onChange={() =>
                        setNotify(notify.includes(a) ? notify.filter((x) => x !== a) : [...notify, a])
                      }
                    />{' '}
                    {a}
                  </label>
                ))}
              </fieldset>
              <Input label={tx('message')} value={message} onInput={setMessage} required />
              <SubmitButton busy={busy}>{tx('addRule')}</SubmitButton>
              {outcome}
            </>
          )}
        </ActionForm>
      </section>
    </>
  );
}
