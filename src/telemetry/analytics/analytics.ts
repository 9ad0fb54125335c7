/**
 * Agent analytics: per agent and per peer group (declared role or team) — calls, tokens per call
 * and per session, cost per day, p50/p95 latency and TTFT, error rate, finish reasons, refusals,
 * feedback — plus the overview, time series and metrics by agent/team/tenant for alert rules.
 *
 * Rows come from a bounded window ({@link loadUsageWindow}); percentiles are computed here in
 * TypeScript. When a window holds more rows than the bound, counts and money in agent rows and
 * overview totals are still exact (from SQL aggregates); percentiles and series use the newest
 * rows, and the answer says `truncated: true`.
 */
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import type { Anomaly } from '../anomalies/types.js';
import type { PeerSubject } from '../anomalies/detect.js';
import { median } from '../../util/quantiles.js';
import type { FeedbackRepo } from '../feedback/feedback-repo.js';
import { agentKey, groupMetrics, totalMetrics, type GroupMetrics } from './metrics.js';
import { timeSeries, type Bucket } from './series.js';
import { listSessions, type SessionFilter } from './sessions.js';
import { DEFAULT_MAX_ROWS, loadUsageWindow, type UsageWindow } from './usage-window.js';
import { feedbackView, metricsView, type AgentView, type OverviewView, type PeerGroupView, type SessionView } from './views.js';
import type { SeriesPoint } from './series.js';

/** How agents are grouped into peers. */
export type PeerGrouping = 'role' | 'team';

/** Scope of metrics for alert rules. */
export type MetricScope = 'agent' | 'team' | 'tenant';

/** Options of {@link Analytics}. */
export interface AnalyticsOptions {
  store: Store;
  spec: () => Spec;
  /** Makes buffered usage visible before a query (the usage recorder's flush). */
  flush?: () => Promise<void>;
  /** Bound on rows per window (default {@link DEFAULT_MAX_ROWS}). */
  maxRows?: number;
  feedback?: FeedbackRepo;
}

/** Lookup of an agent's active anomalies. */
export type AnomalyLookup = (agent: { tenant: string; team: string; agent: string }) => Anomaly[];

/** A time window, optionally of one tenant's rows only (tenant-scoped API callers). */
export interface Window {
  from: number;
  to: number;
  tenant?: string;
}

/** Computes analytics from the store; see the module comment. */
export class Analytics {
  constructor(private readonly opts: AnalyticsOptions) {}

  /** Loads a window's rows (after flushing buffered usage). */
  async window(w: Window & { agent?: string; team?: string; tenant?: string }): Promise<UsageWindow> {
    await this.opts.flush?.();
    return loadUsageWindow(this.opts.store, w, this.opts.maxRows ?? DEFAULT_MAX_ROWS);
  }

  /** The peer group of an agent. */
  peerGroup(agent: string, team: string, grouping: PeerGrouping): string {
    return grouping === 'team' ? team : (this.opts.spec().agents[agent]?.role ?? team);
  }

  /** Every agent with traffic in the window, with its metrics and peer group. */
  async peerSubjects(w: Window, grouping: PeerGrouping, loaded?: UsageWindow): Promise<PeerSubject[]> {
    const win = loaded ?? (await this.window(w));
    const byKey = groupMetrics(win.rows, agentKey, w.to - w.from);
    const out: PeerSubject[] = [];
    for (const [k, metrics] of byKey) {
      const [tenant, team, agent] = splitKey(k);
      out.push({ tenant, team, agent, group: this.peerGroup(agent, team, grouping), metrics });
    }
    return out;
  }

  /** Metrics per agent, team or tenant name (for alert rules). */
  async metricsBy(scope: MetricScope, w: Window): Promise<Map<string, GroupMetrics>> {
    const win = await this.window(w);
    return groupMetrics(win.rows, (r) => r[scope], w.to - w.from);
  }

  /** `GET /api/agents`: declared agents and agents seen in traffic, with peer-group medians. */
  async agents(w: Window, grouping: PeerGrouping, anomaliesFor: AnomalyLookup = () => []): Promise<{ data: AgentView[]; peer_groups: PeerGroupView[]; truncated: boolean }> {
    const win = await this.window(w);
    const subjects = await this.peerSubjects(w, grouping, win);
    const exact = win.truncated ? await this.exactCounts(w) : undefined;
    const feedback = (await this.opts.feedback?.aggregateByAgent(w.from, w.to)) ?? new Map();
    const spec = this.opts.spec();
    const rows = new Map<string, AgentView>();
    const row = (tenant: string | null, team: string, agent: string, m: GroupMetrics, declared: boolean): AgentView => {
      const key = `${tenant}/${team}/${agent}`;
      return {
        agent, team, tenant, role: spec.agents[agent]?.role ?? team, declared, peer_group: this.peerGroup(agent, team, grouping),
        ...metricsView(m), ...(exact?.get(key) ?? {}), feedback: feedbackView(feedback.get(key)),
        anomalies: tenant === null ? [] : anomaliesFor({ tenant, team, agent }),
      };
    };
    for (const [id, a] of Object.entries(spec.agents)) {
      const tenant = spec.teams[a.team]?.tenant ?? null;
      if (w.tenant !== undefined && tenant !== w.tenant) continue;
      rows.set(`${tenant}/${a.team}/${id}`, row(tenant, a.team, id, totalMetrics([], w.to - w.from), true));
    }
    for (const s of subjects) {
      const k = `${s.tenant}/${s.team}/${s.agent}`;
      rows.set(k, row(s.tenant, s.team, s.agent, s.metrics, rows.has(k)));
    }
    const data = [...rows.values()].sort((a, b) => b.cost_micros - a.cost_micros || b.requests - a.requests || a.agent.localeCompare(b.agent));
    return { data, peer_groups: peerGroups(subjects), truncated: win.truncated };
  }

  /** `GET /api/agents/:agent`: one agent (all its teams merged), or undefined when unknown. */
  async agent(name: string, w: Window, bucket: Bucket, grouping: PeerGrouping, anomaliesFor: AnomalyLookup = () => []): Promise<(AgentView & { series: SeriesPoint[]; recent_sessions: SessionView[]; truncated: boolean }) | undefined> {
    const win = await this.window({ ...w, agent: name });
    const spec = this.opts.spec();
    const declaredAnywhere = spec.agents[name];
    const declared = declaredAnywhere && (w.tenant === undefined || spec.teams[declaredAnywhere.team]?.tenant === w.tenant) ? declaredAnywhere : undefined;
    if (!declared && win.rows.length === 0) {
      const ever = await this.opts.store.usage.list({ agent: name, limit: 1, ...(w.tenant !== undefined ? { tenant: w.tenant } : {}) });
      if (ever.length === 0) return undefined;
    }
    const teamCount = new Map<string, number>();
    for (const r of win.rows) teamCount.set(`${r.tenant}/${r.team}`, (teamCount.get(`${r.tenant}/${r.team}`) ?? 0) + 1);
    const busiest = [...teamCount.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const team = declared?.team ?? busiest?.split('/')[1] ?? 'default';
    const tenant = (declared ? spec.teams[declared.team]?.tenant : busiest?.split('/')[0]) ?? null;
    const m = totalMetrics(win.rows, w.to - w.from);
    const feedback = await this.opts.feedback?.aggregateByAgent(w.from, w.to);
    let fb: { count: number; avgScore: number | null; positiveRate: number | null } | undefined;
    if (feedback) {
      let n = 0, sum = 0, pos = 0;
      for (const [k, f] of feedback) {
        if (splitKey(k)[2] !== name || f.count === 0 || (w.tenant !== undefined && splitKey(k)[0] !== w.tenant)) continue;
        n += f.count;
        sum += (f.avgScore ?? 0) * f.count;
        pos += (f.positiveRate ?? 0) * f.count;
      }
      if (n) fb = { count: n, avgScore: Math.round((sum / n) * 1000) / 1000, positiveRate: Math.round((pos / n) * 1000) / 1000 };
    }
    const anomalies = [...teamCount.keys(), ...(tenant ? [`${tenant}/${team}`] : [])]
      .filter((k, i, a) => a.indexOf(k) === i)
      .flatMap((k) => anomaliesFor({ tenant: k.split('/')[0]!, team: k.split('/')[1]!, agent: name }));
    return {
      agent: name, team, tenant, role: declared?.role ?? team, declared: !!declared, peer_group: this.peerGroup(name, team, grouping),
      ...metricsView(m), feedback: feedbackView(fb), anomalies,
      series: timeSeries(win.rows, w.from, w.to, bucket),
      recent_sessions: await listSessions(this.opts.store, { agent: name, limit: 50, ...(w.tenant !== undefined ? { tenant: w.tenant } : {}) }),
      truncated: win.truncated,
    };
  }

  /** `GET /api/overview`: totals, series and top agents by cost. */
  async overview(w: Window, bucket: Bucket): Promise<OverviewView> {
    const win = await this.window(w);
    const m = totalMetrics(win.rows, w.to - w.from);
    const exact = win.truncated ? (await this.opts.store.usage.query({ groupBy: [], from: w.from, to: w.to, ...(w.tenant !== undefined ? { tenant: w.tenant } : {}) })).totals : undefined;
    const byAgent = groupMetrics(win.rows, agentKey, w.to - w.from);
    const top = [...byAgent.entries()]
      .map(([k, a]) => ({ agent: splitKey(k)[2], team: splitKey(k)[1], tenant: splitKey(k)[0], cost_usd: a.costMicros / 1e6, cost_micros: a.costMicros, requests: a.requests }))
      .sort((a, b) => b.cost_micros - a.cost_micros || b.requests - a.requests)
      .slice(0, 10);
    const requests = exact?.requests ?? m.requests;
    const errors = exact?.errors ?? m.errors;
    const cost = exact?.costMicros ?? m.costMicros;
    return {
      from: new Date(w.from).toISOString(),
      to: new Date(w.to).toISOString(),
      bucket,
      truncated: win.truncated,
      totals: {
        requests, errors, error_rate: requests ? Math.round((errors / requests) * 10_000) / 10_000 : 0,
        input_tokens: exact?.inputTokens ?? m.inputTokens, output_tokens: exact?.outputTokens ?? m.outputTokens,
        cost_usd: cost / 1e6, cost_micros: cost,
        latency_p50_ms: m.latencyP50Ms, latency_p95_ms: m.latencyP95Ms, ttft_p50_ms: m.ttftP50Ms, ttft_p95_ms: m.ttftP95Ms,
        agents: byAgent.size,
      },
      series: timeSeries(win.rows, w.from, w.to, bucket),
      top_agents: top,
    };
  }

  /** `GET /api/sessions`. */
  async sessions(f: SessionFilter): Promise<SessionView[]> {
    await this.opts.flush?.();
    return listSessions(this.opts.store, f);
  }

  /** Exact counts and money per agent key from SQL (used when a window was truncated). */
  private async exactCounts(w: Window): Promise<Map<string, Partial<AgentView>>> {
    const r = await this.opts.store.usage.query({ groupBy: ['tenant', 'team', 'agent'], from: w.from, to: w.to, ...(w.tenant !== undefined ? { tenant: w.tenant } : {}) });
    const out = new Map<string, Partial<AgentView>>();
    for (const g of r.groups) {
      out.set(`${g.key.tenant}/${g.key.team}/${g.key.agent}`, {
        requests: g.requests, errors: g.errors, error_rate: g.requests ? Math.round((g.errors / g.requests) * 10_000) / 10_000 : 0,
        input_tokens: g.inputTokens, output_tokens: g.outputTokens, cost_usd: g.costMicros / 1e6, cost_micros: g.costMicros,
        cost_per_day_usd: Math.round((g.costMicros * 86_400_000) / (w.to - w.from)) / 1e6,
      });
    }
    return out;
  }
}

/** Medians of each peer group. */
export function peerGroups(subjects: readonly PeerSubject[]): PeerGroupView[] {
  const groups = new Map<string, PeerSubject[]>();
  for (const s of subjects) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const med = (vals: (number | null)[]): number | null => {
    const m = median(vals.filter((x): x is number => x !== null));
    return m === null ? null : Math.round(m * 10_000) / 10_000;
  };
  return [...groups.entries()]
    .map(([group, ms]) => ({
      group,
      agents: ms.length,
      median_tokens_per_session: med(ms.map((s) => s.metrics.tokensPerSession)),
      median_cost_per_day_usd: med(ms.map((s) => s.metrics.costPerDayMicros / 1e6)),
      median_error_rate: med(ms.map((s) => s.metrics.errorRate)),
      median_latency_p95_ms: med(ms.map((s) => s.metrics.latencyP95Ms)),
    }))
    .sort((a, b) => a.group.localeCompare(b.group));
}

function splitKey(k: string): [string, string, string] {
  const i = k.indexOf('/');
  const j = k.indexOf('/', i + 1);
  return [k.slice(0, i), k.slice(i + 1, j), k.slice(j + 1)];
}
