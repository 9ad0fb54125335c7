/**
 * Overview: headline figures, charts over time, top agents by cost, the latest requests.
 * Reads `/api/overview`; on a server without it, the totals and top agents come from `/api/usage`.
 */
import { qs } from '../api';
import { TimeChart } from '../components/chart';
import { ApiNote, Badge, Card, Link, Loading, Note, Stat, TableWrap, Time } from '../components/ui';
import { compact, count, money, ms, pct } from '../format';
import { useLive } from '../live';
import { useRange } from '../range';
import type { Overview, UsageReport } from '../types';
import { useApi } from '../use-api';

interface TopAgent {
  agent: string;
  team: string;
  tenant: string;
  cost_usd: number;
  requests: number;
}

/** The overview page. */
export function OverviewPage() {
  const { range } = useRange();
  const { recent, mode } = useLive();
  const ov = useApi<Overview>(`/api/overview${qs({ from: range.from, bucket: range.bucket })}`);
  const usage = useApi<UsageReport>(ov.unavailable ? `/api/usage${qs({ from: range.from })}` : null);
  const byAgent = useApi<UsageReport>(ov.unavailable ? `/api/usage${qs({ from: range.from, group_by: 'tenant,team,agent' })}` : null);

  const totals = ov.data?.totals ?? usage.data?.totals ?? null;
  const top: TopAgent[] =
    ov.data?.top_agents ??
    (byAgent.data?.groups ?? [])
      .map((g) => ({ agent: String(g.agent), team: String(g.team), tenant: String(g.tenant), cost_usd: g.cost_usd, requests: g.requests }))
      .sort((a, b) => b.cost_usd - a.cost_usd)
      .slice(0, 10);
  const o = ov.data?.totals;
  const series = ov.data?.series ?? [];
  const maxCost = Math.max(1e-12, ...top.map((a) => a.cost_usd));

  if (!totals) {
    if (ov.loading || usage.loading) return <Loading />;
    return ov.unavailable ? <ApiNote state={usage} what="usage" /> : <ApiNote state={ov} what="the overview" />;
  }
  const errorRate = o?.error_rate ?? (totals.requests ? totals.errors / totals.requests : 0);

  return (
    <div className="page" data-testid="page-overview">
      <div className="stats">
        <Stat id="spend" label="Spend" text={money(totals.cost_usd)} value={totals.cost_micros} hint={`${range.label.toLowerCase()}`} />
        <Stat id="requests" label="Requests" text={count(totals.requests)} value={totals.requests} hint={<>{count(totals.errors)} error{totals.errors === 1 ? '' : 's'} · {pct(errorRate)}</>} />
        <Stat id="tokens" label="Tokens" text={count(totals.input_tokens + totals.output_tokens)} value={totals.input_tokens + totals.output_tokens} hint={`${compact(totals.input_tokens)} in · ${compact(totals.output_tokens)} out`} />
        <Stat id="latency" label={o ? 'Latency p95' : 'Avg latency'} text={o ? ms(o.latency_p95_ms) : ms(totals.avg_latency_ms)} value={o?.latency_p95_ms ?? null} hint={o ? `p50 ${ms(o.latency_p50_ms)}` : null} />
        <Stat id="ttft" label={o ? 'TTFT p95' : 'Avg TTFT'} text={o ? ms(o.ttft_p95_ms) : ms(totals.avg_ttft_ms)} value={o?.ttft_p95_ms ?? null} hint={o ? `p50 ${ms(o.ttft_p50_ms)}` : null} />
        {o ? <Stat id="agents" label="Active agents" text={count(o.agents)} value={o.agents} /> : null}
      </div>

      {ov.unavailable ? (
        <Note>Charts over time and latency percentiles need <code>/api/overview</code>, which this server does not have yet; the figures above come from <code>/api/usage</code>.</Note>
      ) : (
        <div className="charts charts-5">
          <TimeChart title="Spend" series={series} format={money} lines={[{ label: 'USD', value: (p) => p.cost_usd, color: '--c1', fill: true }]} />
          <TimeChart title="Requests" series={series} format={compact} lines={[{ label: 'requests', value: (p) => p.requests, color: '--c2', fill: true }, { label: 'errors', value: (p) => p.errors, color: '--bad' }]} />
          <TimeChart title="Tokens" series={series} format={compact} lines={[{ label: 'input', value: (p) => p.input_tokens, color: '--c3' }, { label: 'output', value: (p) => p.output_tokens, color: '--c4' }]} />
          <TimeChart title="Latency" series={series} format={ms} lines={[{ label: 'p50', value: (p) => p.latency_p50_ms, color: '--c2' }, { label: 'p95', value: (p) => p.latency_p95_ms, color: '--c5' }]} />
          <TimeChart title="Time to first token" series={series} format={ms} lines={[{ label: 'p50', value: (p) => p.ttft_p50_ms, color: '--c3' }, { label: 'p95', value: (p) => p.ttft_p95_ms, color: '--c5' }]} />
        </div>
      )}

      <div className="grid-2">
        <Card title="Top agents by cost">
          {top.length === 0 ? (
            <p className="empty">No agent has made a call in this range.</p>
          ) : (
            <TableWrap>
              <table data-testid="top-agents">
                <thead>
                  <tr>
                    <th>Agent</th>
                    <th className="num">Requests</th>
                    <th className="num">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {top.map((a) => (
                    <tr key={`${a.tenant}/${a.team}/${a.agent}`}>
                      <td>
                        <Link to={`agents/${encodeURIComponent(a.agent)}`}>{a.agent}</Link>
                        <div className="sub">{a.team} · {a.tenant}</div>
                      </td>
                      <td className="num">{count(a.requests)}</td>
                      <td className="num">
                        {money(a.cost_usd)}
                        <div className="bar" style={{ width: `${(a.cost_usd / maxCost) * 100}%` }} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </Card>
        <Card title="Latest requests" actions={<Badge tone={mode === 'live' ? 'ok' : 'muted'}>{mode === 'live' ? 'streaming' : mode}</Badge>}>
          {recent.length === 0 ? (
            <p className="empty">{mode === 'polling' ? 'The live event stream is not available on this server, so requests are not listed one by one; the figures above refresh every 5 seconds.' : 'Requests appear here as they happen.'}</p>
          ) : (
            <ul className="feed" data-testid="feed">
              {recent.map((u) => (
                <li key={u.id}>
                  <Badge tone={Number(u.status) < 400 ? 'ok' : 'bad'}>{u.status}</Badge>
                  <Link to={`agents/${encodeURIComponent(u.agent)}`}>{u.agent}</Link>
                  <span className="muted">{u.model}</span>
                  <span className="num">{money(u.cost_usd)}</span>
                  <span className="muted num">{ms(u.latency_ms)}</span>
                  <Time at={u.ts} />
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
