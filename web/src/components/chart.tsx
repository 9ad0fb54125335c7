/**
 * A time-series chart on uPlot that follows its container's width and the colour scheme.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { toMs } from '../format';
import type { SeriesPoint } from '../types';

/** One line of a chart. */
export interface Line {
  label: string;
  value: (p: SeriesPoint) => number | null;
  /** A CSS custom property holding the colour, e.g. `--c1`. */
  color: string;
  /** Fill under the line. */
  fill?: boolean;
}

/** Props of {@link TimeChart}. */
export interface TimeChartProps {
  title: string;
  series: SeriesPoint[];
  lines: Line[];
  /** Formats axis and legend values. */
  format: (v: number) => string;
  height?: number;
}

/** True while the system colour scheme is dark (charts re-read their colours on change). */
export function useDark(): boolean {
  const q = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const [dark, setDark] = useState(q?.matches ?? false);
  useEffect(() => {
    if (!q) return;
    const f = (e: MediaQueryListEvent): void => setDark(e.matches);
    q.addEventListener('change', f);
    return () => q.removeEventListener('change', f);
  }, [q]);
  return dark;
}

/** A uPlot time chart with a title and legend. */
export function TimeChart({ title, series, lines, format, height = 180 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = useDark();
  // lines with few values get dots (a single bucket with traffic draws no line)
  const sparse = lines.map((l) => series.filter((p) => l.value(p) !== null && l.value(p) !== 0).length < 4);
  const shape = lines.map((l, i) => `${l.label}:${sparse[i]}`).join('|');
  const empty = !series.some((p) => lines.some((l) => l.value(p)));

  const data = (): uPlot.AlignedData => {
    const pts = series.map((p) => ({ t: toMs(p.ts), p })).filter((x): x is { t: number; p: SeriesPoint } => x.t !== null).sort((a, b) => a.t - b.t);
    return [pts.map((x) => x.t / 1000), ...lines.map((l) => pts.map((x) => l.value(x.p)))] as uPlot.AlignedData;
  };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(el);
    const v = (name: string): string => css.getPropertyValue(name).trim() || '#888';
    const axis = { stroke: v('--muted'), grid: { stroke: v('--grid'), width: 1 }, ticks: { stroke: v('--grid'), width: 1 }, font: '11px system-ui, sans-serif' };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      padding: [8, 14, 0, 0],
      cursor: { points: { size: 6 } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.1 : 1] } },
      axes: [
        axis,
        {
          ...axis,
          values: (_u, vals) => vals.map((x) => format(x)),
          size: (_u, vals) => (vals?.length ? Math.max(...vals.map((t) => String(t).length)) * 7 + 18 : 40),
        },
      ],
      series: [
        {},
        ...lines.map((l, i) => ({
          label: l.label,
          stroke: v(l.color),
          width: 2,
          points: sparse[i]
            ? {
                show: true,
                size: 7,
                fill: v(l.color),
                // dots only where there was traffic, not on every empty bucket
                filter: (u: uPlot, si: number) => {
                  const ys = u.data[si] ?? [];
                  const idx: number[] = [];
                  for (let k = 0; k < ys.length; k++) if (ys[k]) idx.push(k);
                  return idx;
                },
              }
            : { show: false },
          spanGaps: true,
          value: (_u: uPlot, x: number | null) => (x === null ? '–' : format(x)),
          ...(l.fill ? { fill: `color-mix(in srgb, ${v(l.color)} 18%, transparent)` } : {}),
        })),
      ],
    };
    const u = new uPlot(opts, data(), el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dark, shape, height, empty]);

  useEffect(() => {
    plot.current?.setData(data());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [series]);

  return (
    <figure className="chart" data-testid={`chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>
      <figcaption>{title}</figcaption>
      {empty ? <p className="empty chart-empty">No traffic in this range yet.</p> : null}
      <div ref={box} className="chart-box" hidden={empty} />
    </figure>
  );
}
