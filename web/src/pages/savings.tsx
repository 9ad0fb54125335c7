/**
 * Savings advisor (`daca cost advise`): per agent, the cheapest model or routing policy that keeps
 * eval success within a margin, what it would save per month on the agent's real usage, and the
 * eval runs behind it; plus what the cache and routing already saved, per day.
 */
import { useState } from 'react';
import { qs } from '../api';
import { BarChart } from '../components/bar-chart';
import { TimeChart } from '../components/chart';
import { ApiNote, Badge, Card, Link, Loading, Stat, TableWrap } from '../components/ui';
import { count, money, pct } from '../format';
import type { SeriesPoint } from '../types';
import { useApi } from '../use-api';

/** One agent's advice (`GET /api/cost/advice`). */
export interface AdviceView {
  agent: string;
  window_days: number;
  margin: number;
  current: { model: string | null; requests: number; cost_usd: number; success: number | null };
  reference_success: number | null;
  recommendation: {
    kind: 'model' | 'router' | 'keep';
    name: string;
    success: number | null;
    projected_cost_usd: number;
    saving_usd: number;
    saving_pct: number;
    monthly_saving_usd?: number;
    routing: Record<string, unknown> | null;
    reason: string;
  };
  candidates: { kind: string; name: string; success: number; projected_cost_usd: number; qualifies: boolean }[];
  evidence: { run: string; suite: string; model: string | null; trials: number; passed: number; success: number }[];
}

/** One day of `GET /api/cost/report?group_by=day`. */
interface CostDay {
  day: string;
  requests: number;
  cost_usd: number;
  cache_hits: number;
  saved_by_cache_usd: number;
  routed: number;
  saved_by_routing_usd: number;
}

interface CostReportView {
  groups: CostDay[];
  totals: Omit<CostDay, 'day'>;
}

const MARGINS = ['1pp', '2pp', '5pp'];
const WINDOWS = [7, 30, 90];

/** One point per UTC day of the window (days without usage at zero), so the chart spans the window. */
function everyDay(groups: CostDay[], days: number, now = Date.now()): (CostDay & { ts: string })[] {
  const by = new Map(groups.map((g) => [g.day, g]));
  const out: (CostDay & { ts: string })[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(now - i * 86_400_000).toISOString().slice(0, 10);
    const g = by.get(day);
    out.push({ day, ts: day, requests: g?.requests ?? 0, cost_usd: g?.cost_usd ?? 0, cache_hits: g?.cache_hits ?? 0, saved_by_cache_usd: g?.saved_by_cache_usd ?? 0, routed: g?.routed ?? 0, saved_by_routing_usd: g?.saved_by_routing_usd ?? 0 });
  }
  return out;
}

/** The saving per 30 days (the server's figure, else the window's scaled). */
export function monthlySaving(a: AdviceView): number {
  return a.recommendation.monthly_saving_usd ?? (a.recommendation.saving_usd * 30) / a.window_days;
}

function Recommendation({ a }: { a: AdviceView }) {
  const r = a.recommendation;
  if (r.kind === 'keep') return <Badge tone="muted">keep {r.name || 'as is'}</Badge>;
  return <Badge tone="ok">{r.kind === 'router' ? 'learned router' : `switch to ${r.name}`}</Badge>;
}

function AgentAdvice({ a }: { a: AdviceView }) {
  const r = a.recommendation;
  return (
    <Card title={<>{a.agent} <Recommendation a={a} /></>} className="advice">
      <div data-testid={`advice-${a.agent}`} data-kind={r.kind} data-name={r.name}>
        <p data-testid="advice-reason">{r.reason}</p>
        {r.routing ? (
          <p className="muted">
            apply in the spec: <code>agents.{a.agent}.routing: {JSON.stringify(r.routing)}</code>
          </p>
        ) : null}
        {a.candidates.length ? (
          <TableWrap>
            <table data-testid="advice-candidates">
              <thead>
                <tr>
                  <th>Option</th>
                  <th className="num">Eval success</th>
                  <th className="num">Cost over {a.window_days} d</th>
                  <th>Within margin</th>
                </tr>
              </thead>
              <tbody>
                {a.candidates.map((c) => (
                  <tr key={`${c.kind}:${c.name}`} data-candidate={c.name}>
                    <td>
                      {c.kind === 'router' ? 'learned router' : c.name}
                      {c.name === a.current.model && c.kind === 'model' ? <span className="muted"> (now)</span> : null}
                    </td>
                    <td className="num">{pct(c.success)}</td>
                    <td className="num">{money(c.projected_cost_usd)}</td>
                    <td>{c.qualifies ? <Badge tone="ok">yes</Badge> : <Badge tone="muted">no</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
        <p className="evidence" data-testid="advice-evidence">
          <span className="muted">Evidence: </span>
          {a.evidence.length === 0 ? (
            <span className="muted">no eval runs — run <code>daca eval run</code> for this agent on candidate models first</span>
          ) : (
            a.evidence.map((e, i) => (
              <span key={e.run}>
                {i ? ', ' : ''}
                <Link to={`evals/${encodeURIComponent(e.run)}`}>{e.run}</Link>{' '}
                <span className="muted">
                  ({e.model ?? '?'}: {pct(e.success)} of {count(e.trials)})
                </span>
              </span>
            ))
          )}
        </p>
      </div>
    </Card>
  );
}

/** The savings advisor page. */
export function SavingsPage() {
  const [margin, setMargin] = useState('2pp');
  const [days, setDays] = useState(30);
  const advice = useApi<{ agents: AdviceView[] }>(`/api/cost/advice${qs({ margin, days })}`, { live: false });
  const report = useApi<CostReportView>(`/api/cost/report${qs({ group_by: 'day', from: `-${days}d` })}`);
  const agents = advice.data?.agents ?? [];
  const totalMonthly = agents.reduce((s, a) => s + monthlySaving(a), 0);
  const recommended = agents.filter((a) => a.recommendation.kind !== 'keep');
  const series = everyDay(report.data?.groups ?? [], days) as unknown as SeriesPoint[];
  const pick = (k: keyof CostDay) => (p: SeriesPoint): number => Number((p as unknown as CostDay)[k]);
  const withUsage = agents.filter((a) => a.current.requests > 0);

  return (
    <div className="page" data-testid="page-savings">
      <Card
        title="Savings advisor"
        actions={
          <div className="filters">
            <label>
              Success margin
              <select aria-label="Success margin" value={margin} onChange={(e) => setMargin(e.target.value)}>
                {MARGINS.map((m) => (
                  <option key={m} value={m}>
                    {m.replace('pp', ' points')}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Usage window
              <select aria-label="Usage window" value={days} onChange={(e) => setDays(Number(e.target.value))}>
                {WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    last {w} days
                  </option>
                ))}
              </select>
            </label>
          </div>
        }
      >
        <p className="muted">
          Per agent, the cheapest evaluated model or routing policy whose eval success stays within the margin of what the agent has now, re-priced on its real usage of
          the window and projected to a month. Same figures as <code>daca cost advise --margin {margin} --days {days}</code>.
        </p>
      </Card>
      <div className="stats">
        <Stat id="monthly-saving" label="Projected saving / month" text={advice.data ? money(totalMonthly) : '–'} value={advice.data ? totalMonthly : null} hint={advice.data ? `${count(recommended.length)} of ${count(agents.length)} agents have a cheaper option` : undefined} />
        <Stat id="saved-cache" label={`Saved by cache (${days} d)`} text={money(report.data?.totals.saved_by_cache_usd)} value={report.data?.totals.saved_by_cache_usd ?? null} hint={report.data ? `${count(report.data.totals.cache_hits)} hits` : undefined} />
        <Stat id="saved-routing" label={`Saved by routing (${days} d)`} text={money(report.data?.totals.saved_by_routing_usd)} value={report.data?.totals.saved_by_routing_usd ?? null} hint={report.data ? `${count(report.data.totals.routed)} routed requests` : undefined} />
        <Stat id="spend" label={`Spend (${days} d)`} text={money(report.data?.totals.cost_usd)} value={report.data?.totals.cost_usd ?? null} />
      </div>
      <Card title="Recommendations">
        {!advice.data ? (
          advice.loading ? <Loading /> : <ApiNote state={advice} what="savings advice" />
        ) : agents.length === 0 ? (
          <p className="empty">No agents with usage or declared in the spec.</p>
        ) : (
          <TableWrap>
            <table data-testid="savings-table">
              <thead>
                <tr>
                  <th>Agent</th>
                  <th>Now</th>
                  <th className="num">Requests</th>
                  <th className="num">Spend</th>
                  <th className="num">Eval success</th>
                  <th>Recommendation</th>
                  <th className="num">Its success</th>
                  <th className="num">Projected spend</th>
                  <th className="num">Saving / month</th>
                </tr>
              </thead>
              <tbody>
                {agents.map((a) => (
                  <tr key={a.agent} data-agent={a.agent} data-kind={a.recommendation.kind}>
                    <td>
                      <Link to={`agents/${encodeURIComponent(a.agent)}`}>{a.agent}</Link>
                    </td>
                    <td>{a.current.model ?? <span className="muted">–</span>}</td>
                    <td className="num">{count(a.current.requests)}</td>
                    <td className="num" data-col="spend" data-value={a.current.cost_usd}>
                      {money(a.current.cost_usd)}
                    </td>
                    <td className="num">{pct(a.current.success)}</td>
                    <td data-col="recommendation">
                      <Recommendation a={a} />
                    </td>
                    <td className="num">{pct(a.recommendation.success)}</td>
                    <td className="num">{money(a.recommendation.projected_cost_usd)}</td>
                    <td className="num" data-col="monthly-saving" data-value={monthlySaving(a)}>
                      {money(monthlySaving(a))} {a.recommendation.saving_pct > 0 ? <span className="muted">({pct(a.recommendation.saving_pct)})</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
      <div className="charts">
        <TimeChart
          title="Saved by cache and routing"
          series={series}
          lines={[
            { label: 'cache', value: pick('saved_by_cache_usd'), color: '--c2', fill: true },
            { label: 'routing', value: pick('saved_by_routing_usd'), color: '--c3' },
          ]}
          format={money}
        />
        {withUsage.length ? (
          <BarChart
            title="Spend now vs recommended"
            categories={withUsage.map((a) => a.agent)}
            bars={[
              { label: 'now', values: withUsage.map((a) => a.current.cost_usd), color: '--c5' },
              { label: 'recommended', values: withUsage.map((a) => a.recommendation.projected_cost_usd), color: '--c2' },
            ]}
            format={money}
          />
        ) : null}
      </div>
      {agents.map((a) => (
        <AgentAdvice key={a.agent} a={a} />
      ))}
    </div>
  );
}
