/**
 * One agent: its figures, charts over time, anomalies with evidence, recent sessions.
 */
import { ApiError, qs } from '../api';
import { TimeChart } from '../components/chart';
import { ApiNote, Badge, Card, Link, Loading, Note, Stat } from '../components/ui';
import { compact, count, money, ms, pct } from '../format';
import { useRange } from '../range';
import type { AgentDetail, AgentRow, AgentsReport, Anomaly, ListOf, Session, UsageReport } from '../types';
import { useApi } from '../use-api';
import { metricOf, sentence } from './anomaly';
import { SessionTable, sessionsFromUsage } from './session-table';

/** The page of one agent. */
export function AgentDetailPage({ agent }: { agent: string }) {
  const { range } = useRange();
  const detail = useApi<AgentDetail>(`/api/agents/${encodeURIComponent(agent)}${qs({ from: range.from, bucket: range.bucket })}`);
  const fallback = detail.unavailable;
  const list = useApi<AgentsReport>(fallback ? `/api/agents${qs({ from: range.from })}` : null);
  const listed = detail.data ? (detail.data.recent_sessions ?? (Array.isArray(detail.data.sessions) ? detail.data.sessions : null)) : null;
  const needSessions = fallback || (detail.data !== null && listed === null);
  const sessionList = useApi<ListOf<Session>>(needSessions ? `/api/sessions${qs({ agent, from: range.from, limit: 50 })}` : null);
  const usageSessions = useApi<UsageReport>(needSessions && sessionList.unavailable ? `/api/usage${qs({ from: range.from, agent, group_by: 'session,agent' })}` : null);
  const anomalies = useApi<ListOf<Anomaly>>(`/api/anomalies${qs({ from: range.from })}`);

  const row: Omit<AgentRow, 'sessions'> | null = detail.data ?? list.data?.data.find((r) => r.agent === agent) ?? null;
  if (!row) {
    if (detail.loading || list.loading) return <Loading />;
    if (detail.error instanceof ApiError && detail.error.status === 404 && !fallback) return <Note kind="warn">daca knows no agent named “{agent}”.</Note>;
    if (fallback && list.data) return <Note kind="warn">No agent named “{agent}” has made calls in this range.</Note>;
    return <ApiNote state={fallback ? list : detail} what={`agent ${agent}`} />;
  }
  const own = new Map<string, Anomaly>();
  for (const a of [...(row.anomalies ?? []), ...(anomalies.data?.data ?? []).filter((x) => x.agent === agent)]) own.set(a.id, a);
  const flags = [...own.values()];
  const series = detail.data?.series ?? [];
  const sessions = listed ?? sessionList.data?.data ?? sessionsFromUsage(usageSessions.data?.groups ?? []);
  const errorRate = row.error_rate ?? (row.requests ? row.errors / row.requests : 0);

  return (
    <div className="page" data-testid="page-agent">
      <nav className="crumbs">
        <Link to="agents">Agents</Link> / <strong>{agent}</strong> <span className="muted">{row.team} · {row.tenant ?? '–'}{row.role && row.role !== row.team ? ` · ${row.role}` : ''}</span>
        {flags.length ? <Badge tone="warn">⚑ anomalous</Badge> : null}
      </nav>
      <div className="stats">
        <Stat id="agent-cost" label="Cost" text={money(row.cost_usd)} value={row.cost_micros} hint={row.cost_per_day_usd !== undefined ? `${money(row.cost_per_day_usd)} / day` : null} />
        <Stat id="agent-requests" label="Requests" text={count(row.requests)} value={row.requests} hint={`${count(row.errors)} error${row.errors === 1 ? '' : 's'} · ${pct(errorRate)}`} />
        <Stat id="agent-tokens" label="Tokens" text={count(row.input_tokens + row.output_tokens)} value={row.input_tokens + row.output_tokens} hint={row.tokens_per_call !== undefined ? `${count(row.tokens_per_call)} / call · ${count(row.tokens_per_session ?? null)} / session` : `${compact(row.input_tokens)} in · ${compact(row.output_tokens)} out`} />
        <Stat id="agent-latency" label={row.latency_p95_ms !== undefined ? 'Latency p95' : 'Avg latency'} text={row.latency_p95_ms !== undefined ? ms(row.latency_p95_ms) : ms(row.avg_latency_ms)} hint={row.latency_p95_ms !== undefined ? `p50 ${ms(row.latency_p50_ms)}` : null} />
        <Stat id="agent-ttft" label={row.ttft_p95_ms !== undefined ? 'TTFT p95' : 'Avg TTFT'} text={row.ttft_p95_ms !== undefined ? ms(row.ttft_p95_ms) : ms(row.avg_ttft_ms)} hint={row.ttft_p95_ms !== undefined ? `p50 ${ms(row.ttft_p50_ms)}` : null} />
        {row.feedback ? <Stat id="agent-feedback" label="Feedback" text={row.feedback.count ? pct(row.feedback.positive_rate) : '–'} hint={`${count(row.feedback.count)} ratings`} /> : null}
      </div>

      {flags.length ? (
        <Card title="Anomalies" className="card-warn">
          <ul className="anomalies">
            {flags.map((a) => (
              <li key={a.id}>
                <strong>{metricOf(a).label}</strong> is ×{a.ratio.toFixed(1)} its peers’ median. <span className="muted">{sentence(a)}</span>
                {a.evidence?.peers.length ? (
                  <div className="sub">
                    peers: {a.evidence.peers.map((p) => `${p.agent} ${metricOf(a).fmt(p.value)}`).join(' · ')}
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {fallback ? (
        <Note>Charts over time need <code>/api/agents/{agent}</code>, which this server does not have yet; figures come from <code>/api/agents</code> and sessions from <code>/api/usage</code>.</Note>
      ) : (
        <div className="charts charts-4">
          <TimeChart title="Spend" series={series} format={money} lines={[{ label: 'USD', value: (p) => p.cost_usd, color: '--c1', fill: true }]} />
          <TimeChart title="Requests" series={series} format={compact} lines={[{ label: 'requests', value: (p) => p.requests, color: '--c2', fill: true }, { label: 'errors', value: (p) => p.errors, color: '--bad' }]} />
          <TimeChart title="Tokens" series={series} format={compact} lines={[{ label: 'input', value: (p) => p.input_tokens, color: '--c3' }, { label: 'output', value: (p) => p.output_tokens, color: '--c4' }]} />
          <TimeChart title="Latency" series={series} format={ms} lines={[{ label: 'p50', value: (p) => p.latency_p50_ms, color: '--c2' }, { label: 'p95', value: (p) => p.latency_p95_ms, color: '--c5' }, { label: 'TTFT p95', value: (p) => p.ttft_p95_ms, color: '--c3' }]} />
        </div>
      )}

      {row.finish_reasons && Object.keys(row.finish_reasons).length ? (
        <Card title="Finish reasons">
          <div className="badges">
            {Object.entries(row.finish_reasons).map(([k, n]) => (
              <Badge key={k} tone={k === 'stop' ? 'ok' : k === 'content_filter' ? 'bad' : 'info'}>
                {k} {count(n)}
              </Badge>
            ))}
            {row.refusals ? <Badge tone="warn">refusals {count(row.refusals)}</Badge> : null}
          </div>
        </Card>
      ) : null}

      <Card title="Recent sessions">
        {needSessions && sessionList.unavailable && usageSessions.error ? <ApiNote state={usageSessions} what="sessions" /> : <SessionTable sessions={sessions} showAgent={false} />}
      </Card>
    </div>
  );
}
