/**
 * Small inline-SVG charts for the HTML report: grouped bars, a histogram, and a heat grid.
 * No scripts, no external assets: the report is one self-contained file.
 */
import { xmlEscape } from './junit.js';

/** One group of bars (e.g. a persona) with one value per series, each in [0, 1] unless `max` says otherwise. */
export interface BarGroup {
  label: string;
  values: number[];
}

const COLORS = ['#2f6fde', '#2e9d5b', '#d9822b', '#c23b3b', '#7b5cc4'];

/**
 * Grouped vertical bars with a legend.
 *
 * @example
 * ```ts
 * barChart([{ label: 'novice', values: [0.9, 0.8] }], ['completion', 'goal']);
 * ```
 */
export function barChart(groups: readonly BarGroup[], series: readonly string[], opts: { max?: number; percent?: boolean; title?: string } = {}): string {
  const max = opts.max ?? 1;
  const W = Math.max(360, groups.length * (series.length * 18 + 24) + 60);
  const H = 220;
  const top = 28;
  const bottom = 40;
  const left = 44;
  const plotH = H - top - bottom;
  const gw = (W - left - 10) / Math.max(1, groups.length);
  const bw = Math.min(18, (gw - 10) / Math.max(1, series.length));
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">`];
  if (opts.title) parts.push(`<text x="${left}" y="14" class="t">${xmlEscape(opts.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = top + plotH - (plotH * i) / 4;
    const v = (max * i) / 4;
    parts.push(`<line x1="${left}" x2="${W - 6}" y1="${y}" y2="${y}" class="grid"/><text x="${left - 4}" y="${y + 4}" text-anchor="end" class="ax">${opts.percent !== false ? `${Math.round(v * 100)}%` : v.toFixed(0)}</text>`);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * gw + (gw - bw * series.length) / 2;
    g.values.forEach((v, si) => {
      const h = Math.max(0, Math.min(1, v / max)) * plotH;
      parts.push(`<rect x="${(x0 + si * bw).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${xmlEscape(`${g.label} ${series[si]}: ${opts.percent !== false ? (v * 100).toFixed(1) + '%' : v.toFixed(1)}`)}</title></rect>`);
    });
    parts.push(`<text x="${(left + gi * gw + gw / 2).toFixed(1)}" y="${H - bottom + 14}" text-anchor="middle" class="ax">${xmlEscape(g.label.slice(0, 14))}</text>`);
  });
  series.forEach((s, si) => {
    const x = left + si * 110;
    parts.push(`<rect x="${x}" y="${H - 14}" width="10" height="10" fill="${COLORS[si % COLORS.length]}"/><text x="${x + 14}" y="${H - 5}" class="ax">${xmlEscape(s)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * A histogram of values in `bins` equal-width bins.
 *
 * @example
 * ```ts
 * histogram([12, 15, 40], { bins: 10, unit: 'ms', title: 'latency' });
 * ```
 */
export function histogram(values: readonly number[], opts: { bins?: number; unit?: string; title?: string } = {}): string {
  const bins = opts.bins ?? 20;
  const W = 520;
  const H = 200;
  const top = 24;
  const bottom = 30;
  const left = 40;
  const plotH = H - top - bottom;
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const width = (hi - lo || 1) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  const maxC = Math.max(1, ...counts);
  const bw = (W - left - 10) / bins;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">`];
  if (opts.title) parts.push(`<text x="${left}" y="14" class="t">${xmlEscape(opts.title)}</text>`);
  counts.forEach((c, i) => {
    const h = (c / maxC) * plotH;
    parts.push(`<rect x="${(left + i * bw).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#2f6fde"><title>${(lo + i * width).toFixed(1)}–${(lo + (i + 1) * width).toFixed(1)} ${opts.unit ?? ''}: ${c}</title></rect>`);
  });
  parts.push(`<line x1="${left}" x2="${W - 6}" y1="${top + plotH}" y2="${top + plotH}" class="grid"/>`);
  parts.push(`<text x="${left}" y="${H - 8}" class="ax">${lo.toFixed(1)} ${opts.unit ?? ''}</text><text x="${W - 8}" y="${H - 8}" text-anchor="end" class="ax">${hi.toFixed(1)} ${opts.unit ?? ''}</text>`);
  parts.push(`<text x="${left - 4}" y="${top + 8}" text-anchor="end" class="ax">${maxC}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/**
 * A grid of cells coloured from red (0) to green (1): rows × columns of rates.
 *
 * @example
 * ```ts
 * heatGrid(['case-1'], ['novice'], [[0.67]]);
 * ```
 */
export function heatGrid(rows: readonly string[], cols: readonly string[], values: readonly (readonly (number | null)[])[], opts: { title?: string } = {}): string {
  const cell = 16;
  const left = 130;
  const top = 90;
  const W = left + cols.length * cell + 10;
  const H = top + rows.length * cell + 10;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">`];
  if (opts.title) parts.push(`<text x="4" y="14" class="t">${xmlEscape(opts.title)}</text>`);
  cols.forEach((c, j) => parts.push(`<text transform="translate(${left + j * cell + 11},${top - 4}) rotate(-60)" class="ax">${xmlEscape(c.slice(0, 14))}</text>`));
  rows.forEach((r, i) => {
    parts.push(`<text x="${left - 4}" y="${top + i * cell + 12}" text-anchor="end" class="ax">${xmlEscape(r.slice(0, 20))}</text>`);
    cols.forEach((c, j) => {
      const v = values[i]?.[j] ?? null;
      const fill = v === null ? '#eee' : `hsl(${Math.round(v * 120)},65%,${50 - v * 8}%)`;
      parts.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"><title>${xmlEscape(`${r} / ${c}: ${v === null ? 'n/a' : (v * 100).toFixed(0) + '%'}`)}</title></rect>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
