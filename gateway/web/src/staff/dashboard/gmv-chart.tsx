// Paid GMV over time, as the server sums it (GET /api/metrics/gmv): one point per minute, hour or day
// of the chosen period, which starts on the viewer's own minute, hour or midnight. It is read again
// when the stream says the period's paid GMV moved (at most once a second) and each minute, so it
// neither starts empty nor resets when staff change page.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { GmvSeries } from '../../../../../protocols/index.ts';
import { api } from '../../common/api.ts';
import { TimeSeriesChart } from '../../common/chart.tsx';
import { td } from './messages.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const RANGES = {
  lastHour: { bucket: 'minute', spanMs: HOUR, stepMs: MINUTE },
  lastDay: { bucket: 'hour', spanMs: 24 * HOUR, stepMs: HOUR },
  lastWeek: { bucket: 'hour', spanMs: 7 * 24 * HOUR, stepMs: HOUR },
  lastMonth: { bucket: 'day', spanMs: 30 * 24 * HOUR, stepMs: 24 * HOUR },
} as const;
type Range = keyof typeof RANGES;

/** Re-reads at most this often however fast the stream ticks. */
const MIN_REFRESH_MS = 1_000;

/** The period's first bucket starts on a local boundary of its step (local midnight for days). */
function periodOf(range: Range, nowMs: number): { from: number; to: number } {
  const { spanMs, stepMs } = RANGES[range];
  const d = new Date(nowMs);
  if (stepMs === MINUTE) d.setSeconds(0, 0);
  else if (stepMs === HOUR) d.setMinutes(0, 0, 0);
  else d.setHours(0, 0, 0, 0);
  const end = d.getTime() + stepMs;
  return { from: end - spanMs, to: end };
}

export function GmvChart({ tick, money }: { tick: number; money: (m: number) => string }) {
  const [range, setRange] = useState<Range>('lastDay');
  const [series, setSeries] = useState<GmvSeries>();
  const [minute, setMinute] = useState(0);
  const lastRead = useRef(0);
  useEffect(() => {
    const timer = setInterval(() => setMinute((m) => m + 1), MINUTE);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    const ctrl = new AbortController();
    const wait = Math.max(0, lastRead.current + MIN_REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      lastRead.current = Date.now();
      const { from, to } = periodOf(range, Date.now());
      const q = new URLSearchParams({ from: String(from), to: String(to), bucket: RANGES[range].bucket });
      api
        .get<GmvSeries>(`/api/metrics/gmv?${q}`, { signal: ctrl.signal })
        .then(setSeries)
        .catch(() => {});
    }, wait);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [range, tick, minute]);
  const total = series?.points.reduce((a, p) => a + p.paidGmvMinor, 0) ?? 0;
  return (
    <section class="panel" aria-labelledby="gmv-h">
      <h2 id="gmv-h">{td('gmvOverTime')}</h2>
      <label class="field inline">
        <span>{td('range')}</span>
        <select
          name="gmv-range"
          value={range}
          onChange={(e) => setRange((e.currentTarget as HTMLSelectElement).value as Range)}
        >
          {(Object.keys(RANGES) as Range[]).map((r) => (
            <option key={r} value={r}>
              {td(r)}
            </option>
          ))}
        </select>
      </label>
      <TimeSeriesChart
        label={td('gmvOverTime')}
        unit={series?.currency ?? undefined}
        points={(series?.points ?? []).map((p) => ({ atMs: p.atMs, value: p.paidGmvMinor / 100 }))}
      />
      <p>
        {td('periodTotal')}:{' '}
        <strong data-figure="gmv-series-total" data-points={series?.points.length ?? 0}>
          {money(total)}
        </strong>
      </p>
    </section>
  );
}
