/**
 * A bar chart over categories (personas, cases, agents) on uPlot: one or two series; two are drawn
 * side by side (e.g. run A and run B). Follows its container's width and the colour scheme.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useDark } from './chart';

/** One series of bars: a value per category (null: none). */
export interface Bars {
  label: string;
  values: (number | null)[];
  /** A CSS custom property holding the colour, e.g. `--c1`. */
  color: string;
}

/** Props of {@link BarChart}. */
export interface BarChartProps {
  title: string;
  categories: string[];
  bars: Bars[];
  format: (v: number) => string;
  height?: number;
  /** Fixed y range, e.g. [0, 1] for rates. */
  yRange?: [number, number];
}

/** A uPlot bar chart with a title and legend; `data-categories` lists what it shows. */
export function BarChart({ title, categories, bars, format, height = 200, yRange }: BarChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const dark = useDark();
  const empty = categories.length === 0 || !bars.some((b) => b.values.some((v) => v !== null));
  const shape = `${categories.join('\u0000')}|${bars.map((b) => b.label).join('|')}|${JSON.stringify(bars.map((b) => b.values))}`;

  useEffect(() => {
    const el = box.current;
    if (!el || empty) return;
    const css = getComputedStyle(el);
    const v = (name: string): string => css.getPropertyValue(name).trim() || '#888';
    const axis = { stroke: v('--muted'), grid: { stroke: v('--grid'), width: 1 }, ticks: { stroke: v('--grid'), width: 1 }, font: '11px system-ui, sans-serif' };
    const many = categories.length > 8;
    const longest = Math.max(...categories.map((c) => c.length));
    const two = bars.length > 1;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      padding: [8, 14, 0, 0],
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: false, range: () => [-0.5, categories.length - 0.5] }, y: { range: (_u, min, max) => yRange ?? [Math.min(0, min ?? 0), max > 0 ? max * 1.1 : 1] } },
      axes: [
        {
          ...axis,
          grid: { show: false },
          splits: () => categories.map((_, i) => i),
          values: (_u, vals) => vals.map((i) => categories[i] ?? ''),
          ...(many ? { rotate: -45, size: Math.min(120, longest * 6 + 16) } : {}),
        },
        { ...axis, values: (_u, vals) => vals.map((x) => format(x)), size: (_u, vals) => (vals?.length ? Math.max(...vals.map((t) => String(t).length)) * 7 + 18 : 40) },
      ],
      series: [
        { label: 'Category', value: (_u, i) => (i === null ? '–' : (categories[i] ?? '–')) },
        ...bars.map((b, i) => ({
          label: b.label,
          stroke: v(b.color),
          fill: `color-mix(in srgb, ${v(b.color)} 70%, transparent)`,
          width: 0,
          points: { show: false },
          paths: uPlot.paths.bars!({ size: [two ? 0.38 : 0.7, 80], align: two ? (i === 0 ? -1 : 1) : 0 }),
          value: (_u: uPlot, x: number | null) => (x === null ? '–' : format(x)),
        })),
      ],
    };
    const data = [categories.map((_, i) => i), ...bars.map((b) => b.values)] as uPlot.AlignedData;
    const u = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dark, shape, height, empty]);

  return (
    <figure className="chart" data-testid={`chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`} data-categories={categories.join('|')}>
      <figcaption>{title}</figcaption>
      {empty ? <p className="empty chart-empty">Nothing to chart yet.</p> : null}
      <div ref={box} className="chart-box" hidden={empty} />
    </figure>
  );
}
