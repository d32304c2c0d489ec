// A time-series line chart (uPlot): one metric over time, sized to its container, redrawn on resize.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDateTime, formatNumber } from './i18n.ts';

export interface SeriesPoint {
  atMs: number;
  value: number;
}

export function TimeSeriesChart({
  label,
  unit,
  points,
  height = 180,
}: {
  /** Names the chart for screen readers and the legend. */
  label: string;
  unit?: string;
  points: SeriesPoint[];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const sorted = [...points].sort((a, b) => a.atMs - b.atMs);
    const data: uPlot.AlignedData = [sorted.map((p) => p.atMs / 1000), sorted.map((p) => p.value)];
    const plot = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height,
        legend: { show: false },
        scales: {
          // One reading alone would stretch the axis over years: show a day either side instead.
          x: {
            time: true,
            range: (_u, min, max) => (min === max ? [min - 86_400, max + 86_400] : [min, max]),
          },
          y: { range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [min, max]) },
        },
        axes: [{ stroke: '#444' }, { stroke: '#444', size: 48 }],
        series: [
          {},
          {
            label: unit ? `${label} (${unit})` : label,
            stroke: '#0b6bcb',
            width: 2,
            points: { show: true, size: 6 },
          },
        ],
      },
      data,
      el,
    );
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [points, label, unit, height]);
  const last = points.reduce<SeriesPoint | undefined>((a, p) => (!a || p.atMs > a.atMs ? p : a), undefined);
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={label} />
      {last && (
        <figcaption>
          {formatNumber(last.value, 2)}
          {unit ? ` ${unit}` : ''} · {formatDateTime(last.atMs)}
        </figcaption>
      )}
    </figure>
  );
}
