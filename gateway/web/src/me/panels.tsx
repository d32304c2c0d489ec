// Member page panels: codes (member code and referral link as QR), credit, readings, consents (orders:
// orders-panel.tsx).
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { Credit, Reading } from '../../../../protocols/index.ts';
import { api, auth, type Person } from '../common/api.ts';
import { TimeSeriesChart } from '../common/chart.tsx';
import { ApiError } from '../common/errors.ts';
import { formatMoney } from '../common/i18n.ts';
import { QrCode } from '../common/qr.tsx';
import { AsyncView, ErrorNotice, useAsync } from '../common/ui.tsx';
import { METRIC_UNITS, tm } from './messages.ts';

export function Codes({ person }: { person: Person }) {
  const link = `${location.origin}/me?ref=${encodeURIComponent(person.referralCode)}`;
  const [copied, setCopied] = useState(false);
  const share = async () => {
    const nav = navigator as Navigator & { share?: (d: ShareData) => Promise<void> };
    if (nav.share) {
      await nav.share({ title: tm('shareText'), text: tm('shareText'), url: link }).catch(() => undefined);
      return;
    }
    await navigator.clipboard?.writeText(link).then(
      () => setCopied(true),
      () => undefined,
    );
  };
  return (
    <div class="codes">
      <section class="panel code" aria-labelledby="member-code-title">
        <h2 id="member-code-title">{tm('memberCode')}</h2>
        <QrCode text={person.memberCode} label={`${tm('memberCode')}: ${person.memberCode}`} />
        <p class="big-code" data-member-code={person.memberCode}>
          {person.memberCode}
        </p>
        <p class="hint">{tm('memberCodeHint')}</p>
      </section>
      <section class="panel code" aria-labelledby="referral-title">
        <h2 id="referral-title">{tm('referral')}</h2>
        <QrCode text={link} label={`${tm('referral')}: ${link}`} />
        <p class="link-text">
          <a href={link}>{link}</a>
        </p>
        <p class="hint">{tm('referralHint')}</p>
        <div class="row-actions">
          <button type="button" class="primary" onClick={() => void share()}>
            {tm('share')}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() =>
              navigator.clipboard?.writeText(link).then(
                () => setCopied(true),
                () => undefined,
              )
            }
          >
            {copied ? tm('copied') : tm('copy')}
          </button>
        </div>
      </section>
    </div>
  );
}

/** Shown when the credit endpoint answers; hidden when it does not exist (404) on this server. */
export function CreditPanel() {
  const credit = useAsync(async () => {
    try {
      return await api.get<Credit>('/api/me/credit');
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.code === 'NOT_FOUND')) return null;
      throw err;
    }
  }, []);
  if (credit.status === 'ok' && (credit.data === null || typeof credit.data !== 'object')) return null;
  return (
    <section class="panel" aria-labelledby="credit-title">
      <h2 id="credit-title">{tm('credit')}</h2>
      <AsyncView state={credit}>
        {(c) => {
          if (!c) return null;
          const balances = c.balances?.length
            ? c.balances
            : [{ currency: 'CNY', pendingMinor: 0, availableMinor: 0 }];
          return (
            <dl class="credit">
              {balances.map((b) => (
                <Fragment key={b.currency}>
                  <dt>{tm('pending')}</dt>
                  <dd data-credit="pending">{formatMoney(b.pendingMinor, b.currency)}</dd>
                  <dt>{tm('available')}</dt>
                  <dd data-credit="available">{formatMoney(b.availableMinor, b.currency)}</dd>
                </Fragment>
              ))}
            </dl>
          );
        }}
      </AsyncView>
    </section>
  );
}

export function ReadingsPanel() {
  const readings = useAsync(() => api.get<Reading[]>('/api/me/readings?limit=500'), []);
  return (
    <section class="panel" aria-labelledby="readings-title">
      <h2 id="readings-title">{tm('readings')}</h2>
      <AsyncView state={readings}>
        {(list) => {
          if (list.length === 0) return <p class="hint">{tm('noReadings')}</p>;
          const byMetric = new Map<string, Reading[]>();
          for (const r of list) byMetric.set(r.metric, [...(byMetric.get(r.metric) ?? []), r]);
          return (
            <div class="charts">
              {[...byMetric].map(([metric, rs]) => {
                const label =
                  metric in METRIC_UNITS ? tm(metric as keyof typeof METRIC_UNITS & 'BMI') : metric;
                return (
                  <div key={metric} class="metric" data-metric={metric} data-count={rs.length}>
                    <h3>{label}</h3>
                    <TimeSeriesChart
                      label={label}
                      unit={METRIC_UNITS[metric] ?? ''}
                      points={rs.map((r) => ({ atMs: r.measuredAtMs, value: r.value }))}
                    />
                  </div>
                );
              })}
            </div>
          );
        }}
      </AsyncView>
    </section>
  );
}

export function ConsentsPanel({ person }: { person: Person }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const change = async (key: 'marketing' | 'healthData', value: boolean) => {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      auth.updatePerson(await api.patch<Person>('/api/me', { consents: { [key]: value } }));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="consents-title">
      <h2 id="consents-title">{tm('consents')}</h2>
      {(['marketing', 'healthData'] as const).map((k) => (
        <label key={k} class="check">
          <input
            type="checkbox"
            name={k}
            checked={person.consents[k]}
            disabled={busy}
            onChange={(e) => void change(k, (e.currentTarget as HTMLInputElement).checked)}
          />
          {tm(k)}
        </label>
      ))}
      {saved && (
        <p class="hint" role="status">
          {tm('saved')}
        </p>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
    </section>
  );
}
