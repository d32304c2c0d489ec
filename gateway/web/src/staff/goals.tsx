// Goal rules ("for your goal"): the list, a form to add a rule or change the chosen one, turning a
// rule on or off, and deleting it after a confirmation. Staff and admins only; the server checks it.
import { useState } from 'preact/hooks';
import type { GoalRules, MetricRange as MetricInfo, GoalRule as Rule } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { formatNumber } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { tg } from './goals-messages.ts';
import { ConfirmButton, Input, RowChooser, useAction } from './kit.tsx';
import { ts } from './messages.ts';

/** The server's limit on a goal label (GOAL_MAX_LENGTH). */
const GOAL_MAX = 64;

export function GoalsPage() {
  const data = useAsync((signal) => api.get<GoalRules>('/api/goal-rules', { signal }), []);
  const [editing, setEditing] = useState<string>();
  const action = useAction();
  return (
    <>
      <p class="hint">{tg('intro')}</p>
      <AsyncView state={data}>
        {({ rules, metrics }) => {
          const rule = rules.find((r) => r.ruleId === editing);
          return (
            <>
              <section class="panel">
                {action.view()}
                {rules.length === 0 ? (
                  <p class="hint">{ts('none')}</p>
                ) : (
                  <table class="goals-table">
                    <thead>
                      <tr>
                        <th scope="col">{tg('metric')}</th>
                        <th scope="col">{tg('min')}</th>
                        <th scope="col">{tg('max')}</th>
                        <th scope="col">{tg('goal')}</th>
                        <th scope="col">{tg('enabled')}</th>
                        <th scope="col">{ts('actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rules.map((r) => (
                        <tr key={r.ruleId} data-rule-id={r.ruleId}>
                          <RowChooser name={r.metric} onChoose={() => setEditing(r.ruleId)} />
                          <td>{formatNumber(r.min, 3)}</td>
                          <td>{formatNumber(r.max, 3)}</td>
                          <td>{r.goal}</td>
                          <td>{r.enabled ? tg('yes') : tg('no')}</td>
                          <td class="actions">
                            <button
                              type="button"
                              disabled={action.busy}
                              onClick={() =>
                                action.run(async () => {
                                  await api.patch(`/api/goal-rules/${r.ruleId}`, { enabled: !r.enabled });
                                  data.reload();
                                  return ts('done');
                                })
                              }
                            >
                              {r.enabled ? tg('turnOff') : tg('turnOn')}
                            </button>
                            <ConfirmButton
                              label={tg('delete')}
                              text={tg('confirmDelete', {
                                goal: r.goal,
                                metric: r.metric,
                                min: formatNumber(r.min, 3),
                                max: formatNumber(r.max, 3),
                              })}
                              disabled={action.busy}
                              danger
                              onConfirm={() =>
                                action.run(async () => {
                                  await api.delete(`/api/goal-rules/${r.ruleId}`);
                                  if (editing === r.ruleId) setEditing(undefined);
                                  data.reload();
                                  return ts('done');
                                })
                              }
                            />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              <RuleForm
                key={rule?.ruleId ?? 'new'}
                rule={rule}
                metrics={metrics}
                onSaved={() => {
                  setEditing(undefined);
                  data.reload();
                }}
                onCancel={() => setEditing(undefined)}
              />
            </>
          );
        }}
      </AsyncView>
    </>
  );
}

/** Adds a rule, or changes `rule` when given (after a confirmation). Checked here as on the server. */
function RuleForm({
  rule,
  metrics,
  onSaved,
  onCancel,
}: {
  rule: Rule | undefined;
  metrics: MetricInfo[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [metric, setMetric] = useState(rule?.metric ?? metrics[0]?.metric ?? '');
  const [min, setMin] = useState(rule ? String(rule.min) : '');
  const [max, setMax] = useState(rule ? String(rule.max) : '');
  const [goal, setGoal] = useState(rule?.goal ?? '');
  const action = useAction();
  const info = metrics.find((m) => m.metric === metric);
  const lo = Number(min);
  const hi = Number(max);
  // The server's rule: min below max, inside the physical range devices report.
  const rangeOk =
    min.trim() !== '' &&
    max.trim() !== '' &&
    Number.isFinite(lo) &&
    Number.isFinite(hi) &&
    lo < hi &&
    (!info || (lo >= info.min && hi <= info.max));
  const goalOk = goal.trim().length > 0 && goal.trim().length <= GOAL_MAX;
  const body = { metric, min: lo, max: hi, goal: goal.trim() };
  const save = () =>
    void action.run(async () => {
      if (rule) await api.patch(`/api/goal-rules/${rule.ruleId}`, body);
      else {
        await api.post('/api/goal-rules', body);
        setMin('');
        setMax('');
        setGoal('');
      }
      onSaved();
      return ts('done');
    });
  const title = rule ? `${rule.metric} · ${rule.goal}` : tg('newRule');
  return (
    <form
      class="panel"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        if (!rule && rangeOk && goalOk) save();
      }}
    >
      <h3>{title}</h3>
      <div class="row">
        <label class="field inline">
          <span>{tg('metric')}</span>
          <select value={metric} onChange={(e) => setMetric((e.currentTarget as HTMLSelectElement).value)}>
            {metrics.map((m) => (
              <option key={m.metric} value={m.metric}>
                {m.metric}
              </option>
            ))}
          </select>
        </label>
        <Input label={tg('min')} type="number" value={min} onInput={setMin} required />
        <Input label={tg('max')} type="number" value={max} onInput={setMax} required />
        <Input label={tg('goal')} value={goal} onInput={setGoal} required />
        {rule ? (
          <>
            <ConfirmButton
              label={tg('save')}
              text={tg('confirmSave', { metric })}
              disabled={action.busy || !rangeOk || !goalOk}
              onConfirm={save}
            />
            <button type="button" onClick={onCancel}>
              {ts('cancel')}
            </button>
          </>
        ) : (
          <button type="submit" class="primary" disabled={action.busy || !rangeOk || !goalOk}>
            {ts('create')}
          </button>
        )}
      </div>
      {info && (
        <p class="hint">
          {tg('physical', { min: formatNumber(info.min, 3), max: formatNumber(info.max, 3) })}
        </p>
      )}
      {min.trim() !== '' && max.trim() !== '' && !rangeOk && (
        <p class="error" role="alert">
          {tg('rangeInvalid')}
        </p>
      )}
      {goal.length > 0 && !goalOk && (
        <p class="error" role="alert">
          {tg('goalInvalid', { max: GOAL_MAX })}
        </p>
      )}
      {action.view()}
    </form>
  );
}
