/**
 * One eval run: its suite, agent, model and prompt version; suite metrics; pass and hallucination
 * rate per persona and pass rate per case (charts and tables); and the failed trials with why.
 */
import { BarChart } from '../components/bar-chart';
import { ApiNote, Badge, Card, Link, Loading, Stat, TableWrap, Time } from '../components/ui';
import { count, money, ms, pct } from '../format';
import { useApi } from '../use-api';
import type { EvalMetrics, EvalRunDetail } from './evals-api';
import { RunAgent } from './evals';

function MetricCells({ m }: { m: EvalMetrics }) {
  return (
    <>
      <td className="num">{count(m.trials)}</td>
      <td className="num" data-col="pass-rate" data-value={m.pass_rate}>
        {pct(m.pass_rate)}
      </td>
      <td className="num">{pct(m.completion_rate)}</td>
      <td className="num">{pct(m.hallucination_rate)}</td>
      <td className="num">{pct(m.pass_at_k)}</td>
      <td className="num">{pct(m.pass_hat_k)}</td>
      <td className="num">{m.mean_turns.toFixed(2)}</td>
      <td className="num">{money(m.cost_per_task_usd)}</td>
      <td className="num">{ms(m.p50_latency_ms)}</td>
    </>
  );
}

function MetricHead({ first, k }: { first: string; k: number }) {
  return (
    <tr>
      <th>{first}</th>
      <th className="num">Trials</th>
      <th className="num">Pass rate</th>
      <th className="num">Completed</th>
      <th className="num">Hallucination</th>
      <th className="num">pass@{k}</th>
      <th className="num">pass^{k}</th>
      <th className="num">Turns</th>
      <th className="num">Cost / task</th>
      <th className="num">p50 latency</th>
    </tr>
  );
}

/** The page of one eval run. */
export function EvalRunPage({ id }: { id: string }) {
  const r = useApi<EvalRunDetail>(`/api/evals/runs/${encodeURIComponent(id)}`, { live: false });
  if (!r.data) return r.loading ? <Loading /> : <ApiNote state={r} what={`eval run ${id}`} />;
  const { run, metrics: m, by_persona, by_case } = r.data;
  const cases = [...by_case].sort((a, b) => a.pass_rate - b.pass_rate || a.case.localeCompare(b.case, undefined, { numeric: true }));
  const failed = r.data.trials.filter((t) => !t.passed);
  return (
    <div className="page" data-testid="page-eval-run">
      <Card
        title={
          <span className="crumbs">
            <Link to="evals">Eval runs</Link> / <span data-testid="eval-run-id">{run.id}</span> {run.status === 'unfinished' ? <Badge tone="warn">unfinished</Badge> : null}
          </span>
        }
        actions={<Link to={`evals/compare?b=${encodeURIComponent(run.id)}`}>Compare with another run</Link>}
      >
        <p className="muted">
          suite <strong>{run.suite}</strong> ({count(run.cases)} cases × {count(run.personas.length)} personas × {count(run.trials_per_case)} trials) · agent{' '}
          <RunAgent r={run} /> · seed {run.seed} · started <Time at={run.started_at} />
          {run.finished_at ? <> · finished <Time at={run.finished_at} /></> : null}
        </p>
      </Card>
      <div className="stats">
        <Stat id="run-pass-rate" label="Pass rate" text={pct(m.pass_rate)} value={m.pass_rate} hint={`${count(run.passed)} of ${count(run.trials)} trials`} />
        <Stat id="run-completion" label="Completed" text={pct(m.completion_rate)} value={m.completion_rate} />
        <Stat id="run-hallucination" label="Hallucination" text={pct(m.hallucination_rate)} value={m.hallucination_rate} />
        <Stat id="run-pass-at-k" label={`pass@${m.k} / pass^${m.k}`} text={`${pct(m.pass_at_k)} / ${pct(m.pass_hat_k)}`} value={m.pass_at_k} />
        <Stat id="run-cost" label="Cost" text={money(run.cost_usd)} value={run.cost_usd} hint={`${money(m.cost_per_task_usd)} per task · harness ${money(run.eval_cost_usd)}`} />
        <Stat id="run-latency" label="Latency p50 / p95" text={`${ms(m.p50_latency_ms)} / ${ms(m.p95_latency_ms)}`} value={m.p50_latency_ms} />
      </div>
      <div className="charts">
        <BarChart
          title="Per persona"
          categories={by_persona.map((p) => p.persona)}
          bars={[
            { label: 'pass rate', values: by_persona.map((p) => p.pass_rate), color: '--c1' },
            { label: 'hallucination', values: by_persona.map((p) => p.hallucination_rate), color: '--c4' },
          ]}
          format={pct}
          yRange={[0, 1]}
        />
        <BarChart title="Pass rate per case" categories={by_case.map((c) => c.case)} bars={[{ label: 'pass rate', values: by_case.map((c) => c.pass_rate), color: '--c2' }]} format={pct} yRange={[0, 1]} />
      </div>
      <Card title="Per persona">
        <TableWrap>
          <table data-testid="persona-table">
            <thead>
              <MetricHead first="Persona" k={m.k} />
            </thead>
            <tbody>
              {by_persona.map((p) => (
                <tr key={p.persona} data-persona={p.persona}>
                  <td>{p.persona}</td>
                  <MetricCells m={p} />
                </tr>
              ))}
              <tr data-persona="(suite)">
                <td>
                  <strong>suite</strong>
                </td>
                <MetricCells m={m} />
              </tr>
            </tbody>
          </table>
        </TableWrap>
      </Card>
      <Card title={<>Per case <span className="muted">(weakest first)</span></>}>
        <TableWrap>
          <table data-testid="case-table">
            <thead>
              <MetricHead first="Case" k={m.k} />
            </thead>
            <tbody>
              {cases.map((c) => (
                <tr key={c.case} data-case={c.case}>
                  <td>{c.case}</td>
                  <MetricCells m={c} />
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </Card>
      <Card title={<>Failed trials <span className="muted">({count(failed.length)})</span></>}>
        {failed.length === 0 ? (
          <p className="empty">Every trial passed.</p>
        ) : (
          <TableWrap>
            <table data-testid="failed-trials">
              <thead>
                <tr>
                  <th>Case</th>
                  <th>Persona</th>
                  <th className="num">Trial</th>
                  <th>Why</th>
                  <th>Answer</th>
                </tr>
              </thead>
              <tbody>
                {failed.slice(0, 100).map((t) => (
                  <tr key={t.key} data-trial={t.key}>
                    <td>{t.case}</td>
                    <td>{t.persona}</td>
                    <td className="num">{t.trial}</td>
                    <td className="wrap">
                      {t.error ? <span className="bad">{t.error}</span> : t.failed_graders.map((g) => `${g.name}${g.reason ? `: ${g.reason}` : ''}`).join('; ') || '–'}
                      {t.hallucinated ? <> <Badge tone="warn">unsupported claims</Badge></> : null}
                    </td>
                    <td className="wrap muted">{t.output}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {failed.length > 100 ? <p className="muted">Showing 100 of {count(failed.length)}; the whole run is in <code>daca eval report</code>.</p> : null}
      </Card>
    </div>
  );
}
