/**
 * Two eval runs compared trial by trial (`daca eval compare`): McNemar's exact test on paired
 * pass/fail, paired bootstrap intervals of B − A for pass rate, hallucination, cost and latency
 * (drawn as intervals around zero), pass rate per persona for both runs, and the cases that changed.
 */
import { BarChart } from '../components/bar-chart';
import { ApiNote, Badge, Card, Link, Loading, Note, Stat, TableWrap } from '../components/ui';
import { count, money, pct } from '../format';
import { useRoute } from '../router';
import type { ListOf } from '../types';
import { useApi } from '../use-api';
import type { EvalComparison, EvalRunRow, IntervalView } from './evals-api';
import { ComparePicker, RunAgent } from './evals';

const pp = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;
const rel = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '–');

/** One difference with its interval, drawn on a scale symmetric around zero. */
function IntervalRow({ id, label, i, fmt, lowerIsBetter }: { id: string; label: string; i: IntervalView; fmt: (x: number) => string; lowerIsBetter?: boolean }) {
  const span = Math.max(1e-9, ...[i.lo, i.hi, i.estimate].filter(Number.isFinite).map(Math.abs));
  const x = (v: number): number => 50 + (Math.max(-span, Math.min(span, v)) / span) * 45;
  const excludes = i.lo > 0 || i.hi < 0;
  const good = excludes && (i.estimate > 0) !== !!lowerIsBetter;
  const tone = !excludes ? 'muted' : good ? 'ok' : 'bad';
  return (
    <tr data-testid={`diff-${id}`} data-estimate={i.estimate} data-lo={i.lo} data-hi={i.hi}>
      <td>{label}</td>
      <td className="num">{fmt(i.estimate)}</td>
      <td className="num muted">
        {fmt(i.lo)} to {fmt(i.hi)}
      </td>
      <td className="forest-col">
        <div className="forest" aria-hidden="true">
          <span className="forest-zero" />
          <span className={`forest-ci forest-${tone}`} style={{ left: `${x(i.lo)}%`, width: `${Math.max(0.5, x(i.hi) - x(i.lo))}%` }} />
          <span className={`forest-dot forest-${tone}`} style={{ left: `${x(i.estimate)}%` }} />
        </div>
      </td>
      <td>
        <Badge tone={tone === 'muted' ? 'muted' : tone}>{!excludes ? 'no clear change' : good ? 'better' : 'worse'}</Badge>
      </td>
    </tr>
  );
}

function CaseList({ title, ids, tone }: { title: string; ids: string[]; tone: 'ok' | 'bad' }) {
  return (
    <div data-testid={`cases-${title.split(' ')[0]!.toLowerCase()}`}>
      <h3 style={{ fontSize: 14, margin: '4px 0 8px' }}>
        {title} <span className="muted">({count(ids.length)})</span>
      </h3>
      {ids.length ? (
        <div className="badges">
          {ids.map((c) => (
            <Badge key={c} tone={tone}>
              {c}
            </Badge>
          ))}
        </div>
      ) : (
        <p className="empty">None.</p>
      )}
    </div>
  );
}

/** The comparison page. */
export function EvalComparePage() {
  const { query } = useRoute();
  const a = query.get('a') ?? '';
  const b = query.get('b') ?? '';
  const runs = useApi<ListOf<EvalRunRow>>('/api/evals/runs?limit=200', { live: false });
  const cmp = useApi<EvalComparison>(a && b ? `/api/evals/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}` : null, { live: false });
  const picker = runs.data ? <ComparePicker key={`${a}|${b}`} runs={runs.data.data} {...(a ? { a } : {})} {...(b ? { b } : {})} /> : null;
  const c = cmp.data;
  return (
    <div className="page" data-testid="page-eval-compare">
      <Card title={<span className="crumbs"><Link to="evals">Eval runs</Link> / compare</span>}>{picker ?? (runs.loading ? <Loading /> : <ApiNote state={runs} what="eval runs" />)}</Card>
      {!a || !b ? (
        <Note>Pick a baseline (A) and a candidate (B) run of the same suite.</Note>
      ) : !c ? (
        cmp.loading ? <Loading /> : <ApiNote state={cmp} what="the comparison" />
      ) : (
        <>
          <Card title={<>A <Link to={`evals/${encodeURIComponent(c.a.id)}`}>{c.a.id}</Link> → B <Link to={`evals/${encodeURIComponent(c.b.id)}`}>{c.b.id}</Link></>}>
            {!c.same_suite ? <Note kind="warn">The runs come from different versions of the suite; only the trials they share are paired.</Note> : null}
            <p data-testid="compare-summary">{c.summary}</p>
            <p className="muted">
              A: <RunAgent r={c.a} /> · B: <RunAgent r={c.b} /> · {count(c.pairs)} paired trials{c.unpaired ? `, ${count(c.unpaired)} unpaired (ignored)` : ''}
            </p>
          </Card>
          <div className="stats">
            <Stat id="a-pass-rate" label="A pass rate" text={pct(c.a.metrics.pass_rate)} value={c.a.metrics.pass_rate} hint={c.a.id} />
            <Stat id="b-pass-rate" label="B pass rate" text={pct(c.b.metrics.pass_rate)} value={c.b.metrics.pass_rate} hint={c.b.id} />
            <Stat id="mcnemar-p" label="McNemar p" text={c.mcnemar.p.toPrecision(3)} value={c.mcnemar.p} hint={`${count(c.mcnemar.b)} passed only in A, ${count(c.mcnemar.c)} only in B`} />
            <Stat id="a-cost" label="A cost / task" text={money(c.a.metrics.cost_per_task_usd)} value={c.a.metrics.cost_per_task_usd} />
            <Stat id="b-cost" label="B cost / task" text={money(c.b.metrics.cost_per_task_usd)} value={c.b.metrics.cost_per_task_usd} />
            <Stat id="significant" label="Verdict" text={c.significant ? (c.pass_rate.estimate < 0 ? 'B is worse' : 'B is better') : 'No significant change'} value={c.significant ? 1 : 0} hint={`at ${Math.round((1 - c.level) * 100)}%`} />
          </div>
          <Card title={<>B − A with {Math.round(c.level * 100)}% paired bootstrap intervals</>}>
            <TableWrap>
              <table data-testid="compare-intervals">
                <thead>
                  <tr>
                    <th>Metric</th>
                    <th className="num">Change</th>
                    <th className="num">Interval</th>
                    <th className="forest-col" />
                    <th />
                  </tr>
                </thead>
                <tbody>
                  <IntervalRow id="pass-rate" label="Pass rate" i={c.pass_rate} fmt={pp} />
                  <IntervalRow id="hallucination" label="Hallucination rate" i={c.hallucination_rate} fmt={pp} lowerIsBetter />
                  <IntervalRow id="cost" label="Cost per task" i={c.cost_change} fmt={rel} lowerIsBetter />
                  <IntervalRow id="latency" label="Latency" i={c.latency_change} fmt={rel} lowerIsBetter />
                </tbody>
              </table>
            </TableWrap>
          </Card>
          <div className="charts">
            <BarChart
              title="Pass rate per persona, A vs B"
              categories={c.by_persona.map((p) => p.persona)}
              bars={[
                { label: `A ${c.a.model ?? c.a.id}`, values: c.by_persona.map((p) => p.a_pass_rate), color: '--c2' },
                { label: `B ${c.b.model ?? c.b.id}`, values: c.by_persona.map((p) => p.b_pass_rate), color: '--c4' },
              ]}
              format={pct}
              yRange={[0, 1]}
            />
            <Card title="Cases that changed">
              <CaseList title="Regressed (passed only in A)" ids={c.cases.regressed} tone="bad" />
              <CaseList title="Improved (passed only in B)" ids={c.cases.improved} tone="ok" />
            </Card>
          </div>
        </>
      )}
    </div>
  );
}
