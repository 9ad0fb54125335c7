/**
 * Agents: every agent with its calls, tokens, cost, latency and error rate, flagged when it departs
 * from its peer group.
 */
import { useMemo, useState } from 'react';
import { qs } from '../api';
import { ApiNote, Badge, Card, Link, Loading, Note, TableWrap } from '../components/ui';
import { count, money, ms, pct } from '../format';
import { useRange } from '../range';
import type { AgentRow, AgentsReport, Anomaly, ListOf } from '../types';
import { useApi } from '../use-api';
import { AnomalyBadges } from './anomaly';

type SortKey = 'agent' | 'requests' | 'tokens' | 'cost_usd' | 'latency' | 'error_rate';

/** Anomalies per agent, from the rows and from `/api/anomalies`, without duplicates. */
export function anomaliesByAgent(rows: AgentRow[], extra: Anomaly[]): Map<string, Anomaly[]> {
  const m = new Map<string, Map<string, Anomaly>>();
  for (const a of [...rows.flatMap((r) => r.anomalies ?? []), ...extra]) {
    const byId = m.get(a.agent) ?? new Map<string, Anomaly>();
    byId.set(a.id, a);
    m.set(a.agent, byId);
  }
  return new Map([...m].map(([k, v]) => [k, [...v.values()]]));
}

const latencyOf = (r: AgentRow): number | null => r.latency_p95_ms ?? r.avg_latency_ms ?? null;
const errorRateOf = (r: AgentRow): number => r.error_rate ?? (r.requests ? r.errors / r.requests : 0);

/** The agents page. */
export function AgentsPage() {
  const { range } = useRange();
  const agents = useApi<AgentsReport>(`/api/agents${qs({ from: range.from })}`);
  const anomalies = useApi<ListOf<Anomaly>>(`/api/anomalies${qs({ from: range.from })}`);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'cost_usd', desc: true });
  const [filter, setFilter] = useState('');

  const rows = agents.data?.data ?? [];
  const flags = useMemo(() => anomaliesByAgent(rows, anomalies.data?.data ?? []), [rows, anomalies.data]);
  const hasPercentiles = rows.some((r) => r.latency_p95_ms !== undefined);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const val = (r: AgentRow): number | string => {
      switch (sort.key) {
        case 'agent': return r.agent;
        case 'tokens': return r.input_tokens + r.output_tokens;
        case 'latency': return latencyOf(r) ?? -1;
        case 'error_rate': return errorRateOf(r);
        default: return r[sort.key];
      }
    };
    return rows
      .filter((r) => !f || `${r.agent} ${r.team} ${r.tenant} ${r.role ?? ''}`.toLowerCase().includes(f))
      .sort((a, b) => {
        const x = val(a);
        const y = val(b);
        const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
        return sort.desc ? -c : c;
      });
  }, [rows, sort, filter]);

  if (!agents.data) return agents.loading ? <Loading /> : <ApiNote state={agents} what="agents" />;
  const flagged = [...flags.values()].filter((l) => l.length).length;

  const th = (key: SortKey, label: string, num = true) => (
    <th className={num ? 'num sortable' : 'sortable'} aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'agent' }))}>
        {label}
        {sort.key === key ? (sort.desc ? ' ↓' : ' ↑') : ''}
      </button>
    </th>
  );

  return (
    <div className="page" data-testid="page-agents">
      <Card
        title={<>Agents <span className="muted">({count(rows.length)})</span></>}
        actions={<input className="search" type="search" placeholder="Filter agents" aria-label="Filter agents" value={filter} onChange={(e) => setFilter(e.target.value)} />}
      >
        {anomalies.unavailable ? <Note>Anomaly detection is not available on this server yet; flags appear here once it is.</Note> : flagged ? <Note kind="warn">{flagged} agent{flagged > 1 ? 's behave' : ' behaves'} unlike {flagged > 1 ? 'their' : 'its'} peers.</Note> : null}
        <TableWrap>
          <table data-testid="agents-table">
            <thead>
              <tr>
                {th('agent', 'Agent', false)}
                {th('requests', 'Requests')}
                {th('tokens', 'Tokens')}
                {th('cost_usd', 'Cost')}
                {th('latency', hasPercentiles ? 'p95 latency' : 'Avg latency')}
                {th('error_rate', 'Errors')}
                <th>Flags</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => {
                const list = flags.get(r.agent) ?? [];
                return (
                  <tr key={`${r.tenant}/${r.team}/${r.agent}`} className={list.length ? 'flagged' : ''} data-agent={r.agent}>
                    <td>
                      <Link to={`agents/${encodeURIComponent(r.agent)}`}>{r.agent}</Link>
                      <div className="sub">
                        {r.team} · {r.tenant ?? '–'}
                        {r.declared === false ? <> · <Badge tone="muted">undeclared</Badge></> : null}
                      </div>
                    </td>
                    <td className="num" data-col="requests">{count(r.requests)}</td>
                    <td className="num">{count(r.input_tokens + r.output_tokens)}</td>
                    <td className="num" data-col="cost" data-value={r.cost_micros}>{money(r.cost_usd)}</td>
                    <td className="num">{ms(latencyOf(r))}</td>
                    <td className="num">{r.requests ? pct(errorRateOf(r)) : '–'}</td>
                    <td><AnomalyBadges list={list} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
        {shown.length === 0 ? <p className="empty">No agents match.</p> : null}
      </Card>
      {agents.data.peer_groups?.length ? (
        <Card title="Peer groups">
          <TableWrap>
            <table>
              <thead>
                <tr>
                  <th>Group</th>
                  <th className="num">Agents</th>
                  <th className="num">Median tokens / session</th>
                  <th className="num">Median cost / day</th>
                  <th className="num">Median error rate</th>
                  <th className="num">Median p95 latency</th>
                </tr>
              </thead>
              <tbody>
                {agents.data.peer_groups.map((g) => (
                  <tr key={g.group}>
                    <td>{g.group}</td>
                    <td className="num">{Array.isArray(g.agents) ? g.agents.length : count(g.agents)}</td>
                    <td className="num">{count(g.median_tokens_per_session)}</td>
                    <td className="num">{money(g.median_cost_per_day_usd)}</td>
                    <td className="num">{pct(g.median_error_rate)}</td>
                    <td className="num">{ms(g.median_latency_p95_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </Card>
      ) : null}
    </div>
  );
}
