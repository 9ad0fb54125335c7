/**
 * The autonomous week's HTML report: goal attainment over time, cost against budget, agents alive
 * per type, and every automatic action and incident, as inline SVG charts (no scripts, no network).
 */
import type { OpsAction } from './controller.js';

/** One period of the week (an epoch). */
export interface WeekPoint {
  /** Simulated hours since the start. */
  hour: number;
  attainment: number;
  costMicros: number;
  budgetMicros: number;
  needs: number;
  agents: Record<string, number>;
}

/** An incident and how it was resolved. */
export interface WeekIncident {
  at: number;
  kind: string;
  detail: string;
  resolution: string;
  recoveryS: number;
}

/** Everything the report shows. */
export interface WeekReportData {
  title: string;
  summary: Record<string, string | number | boolean>;
  points: WeekPoint[];
  actions: OpsAction[];
  incidents: WeekIncident[];
  /** Chart labels (default: the marketplace's trades and needs). */
  labels?: { attainment: string; target: number; demand: string };
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

/** A line chart of several series over x, as SVG. */
export function lineChart(title: string, xs: number[], series: { name: string; ys: number[] }[], opts: { yMin?: number; yMax?: number; xLabel?: string } = {}): string {
  const W = 860, H = 220, L = 56, B = 28, T = 24;
  const all = series.flatMap((s) => s.ys);
  const yMin = opts.yMin ?? Math.min(0, ...all);
  const yMax = opts.yMax ?? Math.max(1e-9, ...all) * 1.05;
  const xMax = Math.max(1, ...xs);
  const x = (v: number): number => L + (v / xMax) * (W - L - 10);
  const y = (v: number): number => T + (1 - (v - yMin) / (yMax - yMin || 1)) * (H - T - B);
  const lines = series.map((s, i) => `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.6" points="${s.ys.map((v, j) => `${x(xs[j]!).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  const legend = series.map((s, i) => `<text x="${L + 10 + i * 160}" y="14" fill="${COLORS[i % COLORS.length]}" font-size="12">■ ${esc(s.name)}</text>`);
  // as many decimals as the axis' span needs: counts read 0, 419, 837…; shares 0.950, 0.975…
  const span = yMax - yMin;
  const decimals = span >= 50 ? 0 : span >= 5 ? 1 : span >= 0.5 ? 2 : 3;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = yMin + f * (yMax - yMin);
    return `<line x1="${L}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${L - 4}" y="${y(v) + 4}" font-size="10" text-anchor="end">${v.toFixed(decimals)}</text>`;
  });
  // a gridline at each day's start; a day's label only when the day is on the chart (the last
  // gridline closes the final day and would label a day that is not there)
  const days = Array.from({ length: Math.floor(xMax / 24) + 1 }, (_, d) => `<line x1="${x(d * 24)}" x2="${x(d * 24)}" y1="${T}" y2="${H - B}" stroke="#ddd"/>${d * 24 < xMax ? `<text x="${x(d * 24) + 3}" y="${H - 10}" font-size="10">day ${d + 1}</text>` : ''}`);
  return `<h3>${esc(title)}</h3><svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">${ticks.join('')}${days.join('')}${lines.join('')}${legend.join('')}</svg>`;
}

/** The report as one HTML document. */
export function renderWeekReport(d: WeekReportData): string {
  const xs = d.points.map((p) => p.hour);
  const l = d.labels ?? { attainment: 'Goal attainment per period (trades completed within 10 minutes)', target: 0.95, demand: 'Demand: needs per period' };
  const types = [...new Set(d.points.flatMap((p) => Object.keys(p.agents)))];
  let cum = 0, cumB = 0;
  const cost = d.points.map((p) => (cum += p.costMicros) / 1e6);
  const budget = d.points.map((p) => (cumB += p.budgetMicros) / 1e6);
  const rows = (xs: string[][]): string => xs.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  const h = (s: number): string => `day ${Math.floor(s / 86_400_000) + 1} ${String(Math.floor((s % 86_400_000) / 3_600_000)).padStart(2, '0')}:${String(Math.floor((s % 3_600_000) / 60_000)).padStart(2, '0')}`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(d.title)}</title>
<style>body{font-family:sans-serif;margin:24px;max-width:960px}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}h3{margin:18px 0 4px}</style></head><body>
<h1>${esc(d.title)}</h1>
<table>${rows(Object.entries(d.summary).map(([k, v]) => [k, String(v)]))}</table>
${lineChart(l.attainment, xs, [{ name: 'attainment', ys: d.points.map((p) => p.attainment) }, { name: `target ${l.target}`, ys: d.points.map(() => l.target) }], { yMin: Math.min(0.8, ...d.points.map((p) => p.attainment)), yMax: 1 })}
${lineChart('Cumulative model cost against budget (USD)', xs, [{ name: 'cost', ys: cost }, { name: 'budget', ys: budget }], { yMin: 0 })}
${lineChart(l.demand, xs, [{ name: 'needs', ys: d.points.map((p) => p.needs) }], { yMin: 0 })}
${lineChart('Agents alive per type (sampled)', xs, types.map((t) => ({ name: t, ys: d.points.map((p) => p.agents[t] ?? 0) })), { yMin: 0 })}
<h3>Incidents</h3><table><tr><th>when</th><th>incident</th><th>detail</th><th>resolution</th><th>recovery (s)</th></tr>${rows(d.incidents.map((i) => [h(i.at), i.kind, i.detail, i.resolution, String(i.recoveryS)]))}</table>
<h3>Automatic actions (${d.actions.length})</h3><table><tr><th>when</th><th>action</th><th>target</th><th>why</th></tr>${rows(d.actions.map((a) => [h(a.at), a.kind, a.target, a.explanation]))}</table>
<p>Human interventions: ${esc(String(d.summary.human_interventions ?? 0))}</p></body></html>`;
}
