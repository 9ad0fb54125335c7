/**
 * Terminal reports: a run's metrics per persona and suite, its weakest cases, and a comparison.
 */
import { table } from '../../cli/format.js';
import type { Comparison } from '../compare.js';
import type { Metrics } from '../metrics.js';
import type { RunSummary } from './summary.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function row(label: string, m: Metrics): Record<string, unknown> {
  return {
    group: label,
    trials: m.trials,
    completion: pct(m.completionRate),
    goal: pct(m.goalRate),
    [`pass@${m.k}`]: pct(m.passAtK),
    [`pass^${m.k}`]: pct(m.passHatK),
    halluc: pct(m.hallucinationRate),
    turns: m.meanTurns.toFixed(2),
    tokens: Math.round(m.meanTokens),
    'cost/task $': (m.meanCostMicros / 1e6).toFixed(6),
    'p50 ms': Math.round(m.p50LatencyMs),
    'p95 ms': Math.round(m.p95LatencyMs),
    'tts ms': m.meanTimeToSuccessMs === null ? '-' : Math.round(m.meanTimeToSuccessMs),
  };
}

/**
 * A run as terminal text: header, per-persona and suite rows, and the weakest cases.
 *
 * @example
 * ```ts
 * process.stdout.write(renderRunTable(summarizeRun(run)));
 * ```
 */
export function renderRunTable(s: RunSummary, worst = 5): string {
  const m = s.meta;
  const head = `run ${m.id}: suite ${m.suite} (${m.cases} cases × ${m.personas.length} personas × ${m.trials} trials), agent ${m.agent.kind}${m.agent.model ? ` model ${m.agent.model}` : ''} version ${m.agent.version}, seed ${m.seed}`;
  const rows = Object.entries(s.byPersona).map(([p, x]) => row(p, x));
  rows.push(row('(suite)', s.suite));
  const cases = Object.entries(s.byCase)
    .sort((a, b) => a[1].goalRate - b[1].goalRate)
    .slice(0, worst)
    .filter(([, x]) => x.goalRate < 1)
    .map(([id, x]) => ({ case: id, goal: pct(x.goalRate), halluc: pct(x.hallucinationRate), trials: x.trials }));
  return [head, '', table(rows), ...(cases.length ? ['', 'weakest cases:', table(cases)] : []), ''].join('\n');
}

const signed = (x: number, digits = 1, scale = 100, unit = ' pp'): string => `${x >= 0 ? '+' : ''}${(x * scale).toFixed(digits)}${unit}`;

/**
 * A comparison as terminal text: both runs' metrics, McNemar counts and bootstrap intervals.
 *
 * @example
 * ```ts
 * process.stdout.write(renderComparisonTable(compareRuns(a, b)));
 * ```
 */
export function renderComparisonTable(c: Comparison): string {
  const name = (r: Comparison['a']): string => `${r.meta.id}${r.meta.agent.model ? ` (${r.meta.agent.model})` : ''}`;
  const lvl = `${Math.round(c.level * 100)}% CI`;
  const rows = [
    { metric: 'pass rate', baseline: pct(c.a.metrics.goalRate), candidate: pct(c.b.metrics.goalRate), diff: signed(c.passRate.estimate), [lvl]: `[${signed(c.passRate.lo)}, ${signed(c.passRate.hi)}]` },
    {
      metric: 'hallucination rate',
      baseline: pct(c.a.metrics.hallucinationRate),
      candidate: pct(c.b.metrics.hallucinationRate),
      diff: signed(c.hallucinationRate.estimate),
      [lvl]: `[${signed(c.hallucinationRate.lo)}, ${signed(c.hallucinationRate.hi)}]`,
    },
    {
      metric: 'cost per task $',
      baseline: (c.a.metrics.meanCostMicros / 1e6).toFixed(6),
      candidate: (c.b.metrics.meanCostMicros / 1e6).toFixed(6),
      diff: signed(c.costChange.estimate, 1, 100, '%'),
      [lvl]: `[${signed(c.costChange.lo, 1, 100, '%')}, ${signed(c.costChange.hi, 1, 100, '%')}]`,
    },
    {
      metric: 'mean latency ms',
      baseline: c.a.metrics.meanLatencyMs.toFixed(0),
      candidate: c.b.metrics.meanLatencyMs.toFixed(0),
      diff: signed(c.latencyChange.estimate, 1, 100, '%'),
      [lvl]: `[${signed(c.latencyChange.lo, 1, 100, '%')}, ${signed(c.latencyChange.hi, 1, 100, '%')}]`,
    },
  ];
  const p = c.mcnemar.p < 1e-4 ? c.mcnemar.p.toExponential(2) : c.mcnemar.p.toFixed(4);
  return [
    `baseline  ${name(c.a)}`,
    `candidate ${name(c.b)}`,
    `${c.pairs} paired trials${c.unpaired ? `, ${c.unpaired} unpaired ignored` : ''}${c.sameSuite ? '' : ' (WARNING: the runs used different suite versions)'}`,
    `McNemar exact: ${c.mcnemar.b} pairs regressed (baseline pass, candidate fail), ${c.mcnemar.c} improved; p = ${p}`,
    '',
    table(rows),
    '',
  ].join('\n');
}
