/**
 * A self-contained HTML report of a run: headline metrics, charts (inline SVG) of goal,
 * completion and hallucination per persona, latency distribution, a case × persona pass grid, and
 * the failed trials with the graders' reasons.
 */
import type { Metrics } from '../metrics.js';
import type { RunResults } from '../results.js';
import { xmlEscape as esc } from './junit.js';
import { summarizeRun } from './summary.js';
import { barChart, heatGrid, histogram } from './svg.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.muted{color:#667}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{background:#fff;border:1px solid #dde;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:20px}table{border-collapse:collapse;background:#fff}td,th{border:1px solid #dde;padding:4px 8px;text-align:right}
th{background:#f0f2f6}td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{background:#fff;border:1px solid #dde;border-radius:8px}.chart .grid{stroke:#e4e6ea}.chart .ax{font-size:10px;fill:#556}.chart .t{font-size:12px;font-weight:600;fill:#1d2330}
.fail td{text-align:left;vertical-align:top}.out{max-width:520px;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px}`;

function metricsRow(label: string, m: Metrics): string {
  const cells = [m.trials, pct(m.completionRate), pct(m.goalRate), pct(m.passAtK), pct(m.passHatK), pct(m.hallucinationRate), m.meanTurns.toFixed(2), Math.round(m.meanTokens), (m.meanCostMicros / 1e6).toFixed(6), Math.round(m.p50LatencyMs), Math.round(m.p95LatencyMs)];
  return `<tr><td>${esc(label)}</td>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

/**
 * Renders a run as one HTML page with no external assets.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', renderHtmlReport(run));
 * ```
 */
export function renderHtmlReport(run: RunResults): string {
  const s = summarizeRun(run);
  const m = s.meta;
  const k = s.suite.k;
  const personas = Object.keys(s.byPersona);
  const cases = Object.keys(s.byCase);
  const grid = new Map<string, { n: number; c: number }>();
  for (const t of run.trials) {
    const key = `${t.caseId}|${t.persona}`;
    const g = grid.get(key) ?? { n: 0, c: 0 };
    g.n++;
    if (t.passed) g.c++;
    grid.set(key, g);
  }
  const shownCases = cases.slice(0, 150);
  const values = shownCases.map((c) => personas.map((p) => {
    const g = grid.get(`${c}|${p}`);
    return g ? g.c / g.n : null;
  }));
  const failed = run.trials.filter((t) => !t.passed).slice(0, 100);
  const cards: [string, string][] = [
    ['goal achieved', pct(s.suite.goalRate)],
    ['completion', pct(s.suite.completionRate)],
    [`pass@${k}`, pct(s.suite.passAtK)],
    [`pass^${k}`, pct(s.suite.passHatK)],
    ['hallucination', pct(s.suite.hallucinationRate)],
    ['cost / task', `$${(s.suite.meanCostMicros / 1e6).toFixed(6)}`],
    ['p95 latency', `${Math.round(s.suite.p95LatencyMs)} ms`],
  ];
  const head = ['group', 'trials', 'completion', 'goal', `pass@${k}`, `pass^${k}`, 'halluc.', 'turns', 'tokens', 'cost/task $', 'p50 ms', 'p95 ms'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>eval ${esc(m.suite)} · ${esc(m.id)}</title><style>${CSS}</style></head>
<body>
<h1>Eval report: ${esc(m.suite)}</h1>
<div class="muted">run <code>${esc(m.id)}</code> · agent ${esc(m.agent.kind)}${m.agent.model ? ` · model <code>${esc(m.agent.model)}</code>` : ''} · version <code>${esc(m.agent.version)}</code> · seed ${m.seed} · ${m.cases} cases × ${m.personas.length} personas × ${m.trials} trials · ${new Date(m.startedAt).toISOString()}</div>
<div class="cards">${cards.map(([l, v]) => `<div class="card"><span class="muted">${esc(l)}</span><b>${esc(v)}</b></div>`).join('')}</div>
<h2>Charts</h2>
<div class="charts">
${barChart(personas.map((p) => ({ label: p, values: [s.byPersona[p]!.completionRate, s.byPersona[p]!.goalRate, s.byPersona[p]!.hallucinationRate] })), ['completion', 'goal', 'hallucination'], { title: 'Per persona' })}
${histogram(run.trials.map((t) => t.latencyMs), { bins: 24, unit: 'ms', title: 'Trial latency' })}
${heatGrid(shownCases, personas, values, { title: `Goal rate by case × persona${cases.length > shownCases.length ? ` (first ${shownCases.length} cases)` : ''}` })}
</div>
<h2>Metrics</h2>
<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${personas.map((p) => metricsRow(p, s.byPersona[p]!)).join('\n')}
${metricsRow('(suite)', s.suite)}
</tbody></table>
<h2>Failed trials (${run.trials.filter((t) => !t.passed).length}${failed.length < run.trials.filter((t) => !t.passed).length ? `, first ${failed.length}` : ''})</h2>
<table class="fail"><thead><tr><th>case</th><th>persona</th><th>trial</th><th>why</th><th>output</th></tr></thead><tbody>
${failed
  .map((t) => {
    const why = t.error ?? (t.grades.filter((g) => !g.pass).map((g) => `${g.name}: ${g.reason ?? 'failed'}`).join('; ') || 'failed');
    return `<tr><td>${esc(t.caseId)}</td><td>${esc(t.persona)}</td><td>${t.trial}</td><td>${esc(why)}</td><td class="out">${esc(t.output.slice(0, 400))}</td></tr>`;
  })
  .join('\n')}
</tbody></table>
</body></html>
`;
}
