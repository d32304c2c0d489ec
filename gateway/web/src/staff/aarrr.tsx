// AARRR over a chosen period: the stream's last 30 days until a period is applied, then the API's.
import { useState } from 'preact/hooks';
import { api } from '../common/api.ts';
import { formatNumber } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import type { Aarrr } from './figures.ts';
import { Input } from './kit.tsx';
import { ts } from './messages.ts';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function AarrrPanel({ initial, money }: { initial: Aarrr; money: (m: number) => string }) {
  const [from, setFrom] = useState(isoDay(initial.period.fromMs));
  const [to, setTo] = useState(isoDay(initial.period.toMs - DAY_MS));
  const [applied, setApplied] = useState<{ fromMs: number; toMs: number }>();
  const state = useAsync(
    (signal) =>
      applied
        ? api.get<Aarrr>(`/api/metrics/aarrr?from=${applied.fromMs}&to=${applied.toMs}`, { signal })
        : Promise.resolve(initial),
    [applied, applied ? 0 : initial],
  );
  return (
    <section class="panel" aria-labelledby="aarrr-h">
      <h2 id="aarrr-h">{ts('aarrr')}</h2>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const f = Date.parse(`${from}T00:00:00Z`);
          const t = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
          if (Number.isFinite(f) && Number.isFinite(t) && t > f) setApplied({ fromMs: f, toMs: t });
        }}
      >
        <Input label={ts('from')} type="date" value={from} onInput={setFrom} required />
        <Input label={ts('to')} type="date" value={to} onInput={setTo} required />
        <button type="submit">{ts('apply')}</button>
      </form>
      <AsyncView state={state}>
        {(a) => (
          <dl class="figures aarrr">
            <dt>{ts('acquisition')}</dt>
            <dd data-figure="aarrr-acquisition">{a.acquisition.newPeople}</dd>
            <dt>{ts('activation')}</dt>
            <dd data-figure="aarrr-activation">{a.activation.activated}</dd>
            <dt>{ts('retention')}</dt>
            <dd>
              {a.retention.repeat30} / {a.retention.firstBuyers} ({formatNumber(a.retention.rate30 * 100, 1)}
              %)
            </dd>
            <dt>{ts('referral')}</dt>
            <dd>
              {a.referral.referredSignups} / {a.referral.signups} (
              {formatNumber(a.referral.referredShare * 100, 1)}%)
            </dd>
            <dt>{ts('revenue')}</dt>
            <dd data-figure="aarrr-revenue">{money(a.revenue.netGmvMinor)}</dd>
            <dt>{ts('arpu')}</dt>
            <dd>{money(a.revenue.arpuMinor)}</dd>
          </dl>
        )}
      </AsyncView>
    </section>
  );
}
