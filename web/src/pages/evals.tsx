/**
 * Eval runs: every stored run with its suite, model and prompt version, pass rate and cost, a chart
 * of the latest runs' pass rates, and a picker to compare two runs.
 */
import { useMemo, useState } from 'react';
import { qs } from '../api';
import { BarChart } from '../components/bar-chart';
import { ApiNote, Badge, Card, Link, Loading, Stat, TableWrap, Time } from '../components/ui';
import { count, money, pct } from '../format';
import { navigate } from '../router';
import type { ListOf } from '../types';
import { useApi } from '../use-api';
import type { EvalRunRow } from './evals-api';

/** A run's model and prompt version, short. */
export function RunAgent({ r }: { r: Pick<EvalRunRow, 'agent' | 'model' | 'version'> }) {
  return (
    <span title={`${r.agent} agent, version ${r.version}`}>
      {r.model ?? r.agent} <span className="muted mono">{r.version.length > 18 ? `${r.version.slice(0, 18)}…` : r.version}</span>
    </span>
  );
}

/** Two selects (baseline A, candidate B) and a Compare button. */
export function ComparePicker({ runs, a: a0, b: b0 }: { runs: EvalRunRow[]; a?: string; b?: string }) {
  const [a, setA] = useState(a0 ?? runs[1]?.id ?? '');
  const [b, setB] = useState(b0 ?? runs[0]?.id ?? '');
  const opt = (r: EvalRunRow) => (
    <option key={r.id} value={r.id}>
      {r.id} ({r.suite}, {r.model ?? r.agent}, {r.pass_rate === null ? '–' : pct(r.pass_rate)})
    </option>
  );
  return (
    <form
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        if (a && b) navigate(`evals/compare${qs({ a, b })}`);
      }}
    >
      <label>
        Baseline (A)
        <select aria-label="Baseline run" value={a} onChange={(e) => setA(e.target.value)}>
          {runs.map(opt)}
        </select>
      </label>
      <label>
        Candidate (B)
        <select aria-label="Candidate run" value={b} onChange={(e) => setB(e.target.value)}>
          {runs.map(opt)}
        </select>
      </label>
      <button type="submit" className="primary" disabled={!a || !b || a === b}>
        Compare
      </button>
    </form>
  );
}

/** The eval runs page. */
export function EvalsPage() {
  const [suite, setSuite] = useState('');
  const list = useApi<ListOf<EvalRunRow>>(`/api/evals/runs${qs({ suite: suite.trim(), limit: 200 })}`, { live: false });
  const rows = useMemo(() => list.data?.data ?? [], [list.data]);
  const suites = new Set(rows.map((r) => r.suite));
  const latest = rows.slice(0, 12).reverse();
  return (
    <div className="page" data-testid="page-evals">
      <div className="stats">
        <Stat id="eval-runs" label="Eval runs" text={list.data ? count(rows.length) : '–'} value={list.data ? rows.length : null} />
        <Stat id="eval-suites" label="Suites" text={list.data ? count(suites.size) : '–'} value={list.data ? suites.size : null} />
        <Stat id="eval-latest-pass" label="Latest pass rate" text={pct(rows[0]?.pass_rate)} value={rows[0]?.pass_rate ?? null} hint={rows[0] ? rows[0].id : undefined} />
      </div>
      <Card
        title={<>Eval runs {list.data ? <span className="muted">({count(rows.length)})</span> : null}</>}
        actions={<input className="search" type="search" placeholder="Suite" aria-label="Only this suite" value={suite} onChange={(e) => setSuite(e.target.value)} />}
      >
        {!list.data ? (
          list.loading ? <Loading /> : <ApiNote state={list} what="eval runs" />
        ) : rows.length === 0 ? (
          <p className="empty">
            No eval runs yet. Run one with <code>daca eval run --suite suite.yaml --model gpt-4o</code> (JSONL in <code>.daca/evals</code>) or add{' '}
            <code>--store</code> to keep it in daca's store.
          </p>
        ) : (
          <TableWrap>
            <table data-testid="evals-table">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Suite</th>
                  <th>Model / version</th>
                  <th className="num">Trials</th>
                  <th className="num">Pass rate</th>
                  <th className="num">Cost</th>
                  <th className="num">Cost / task</th>
                  <th>Started</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-run={r.id}>
                    <td>
                      <Link to={`evals/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                      {r.status === 'unfinished' ? <> <Badge tone="warn">unfinished</Badge></> : null}
                    </td>
                    <td>{r.suite}</td>
                    <td>
                      <RunAgent r={r} />
                    </td>
                    <td className="num" data-col="trials" data-value={r.trials}>
                      {count(r.trials)}
                      {r.trials < r.expected_trials ? <span className="muted"> / {count(r.expected_trials)}</span> : null}
                    </td>
                    <td className="num" data-col="pass-rate" data-value={r.pass_rate ?? ''}>
                      {pct(r.pass_rate)}
                    </td>
                    <td className="num" data-col="cost" data-value={r.cost_usd}>
                      {money(r.cost_usd)}
                    </td>
                    <td className="num">{money(r.cost_per_task_usd)}</td>
                    <td>
                      <Time at={r.started_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
      {rows.length >= 2 ? (
        <Card title="Compare two runs">
          <ComparePicker runs={rows} />
        </Card>
      ) : null}
      {latest.length ? <BarChart title="Pass rate of the latest runs" categories={latest.map((r) => r.id)} bars={[{ label: 'pass rate', values: latest.map((r) => r.pass_rate), color: '--c1' }]} format={pct} yRange={[0, 1]} /> : null}
    </div>
  );
}
