/**
 * Marketplace: multi-agent markets run on this node (`/api/orchestration`) — start one, watch
 * deals and prices over time, fairness, mediator queues, live agents per type and model spend,
 * and open any deal to follow it through its negotiation.
 */
import { useState } from 'react';
import { ApiError, apiCredential } from '../api';
import { TimeChart } from '../components/chart';
import { ApiNote, Badge, Card, Link, Loading, Note, Stat, TableWrap } from '../components/ui';
import { count, money, pct } from '../format';
import { navigate } from '../router';
import type { SeriesPoint } from '../types';
import { useApi } from '../use-api';

/** A market in the list. */
export interface MarketSummary {
  id: string;
  started_at: string;
  running: boolean;
  error: string | null;
  agents: number;
  sim_minutes: number;
  deals: number;
  needs: number;
  expired: number;
  model_cost_usd: number;
  figures: Record<string, number> | null;
}

interface MarketPoint {
  t_min: number;
  deals: number;
  price_index: number | null;
  queued: number;
  active: number;
  live: Record<string, number>;
  model_cost_usd: number;
}

/** `GET /api/orchestration/markets/:id`. */
export interface MarketDetail extends MarketSummary {
  live: Record<string, number>;
  queued: number;
  fairness: { buyers_served: number };
  feasible: { feasible: number; served: number; ratio: number };
  approvals: { requested: number; approved: number; rejected: number };
  faults: Record<string, number>;
  deadlocks: { detected: number; resolved: number };
  starved: number;
  series: MarketPoint[];
}

async function startMarket(body: Record<string, number | string>): Promise<MarketSummary> {
  const key = apiCredential();
  const res = await fetch('/api/orchestration/markets', {
    method: 'POST',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const b = (await res.json()) as MarketSummary & { error?: { message?: string; code?: string } };
  if (!res.ok) throw new ApiError(res.status, b.error?.message ?? `${res.status}`, b.error?.code ?? null);
  return b;
}

function StartForm() {
  const [buyers, setBuyers] = useState(100);
  const [faults, setFaults] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center' }}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        startMarket({ buyers, sellers: Math.max(1, Math.round(buyers / 2)), mediators: Math.max(1, Math.round(buyers / 10)), fault_rate: faults })
          .then((m) => navigate(`marketplace/${encodeURIComponent(m.id)}`))
          .catch((x: unknown) => setError((x as Error).message))
          .finally(() => setBusy(false));
      }}
    >
      <label>
        Buyers <input type="number" min={1} max={5000} value={buyers} onChange={(e) => setBuyers(Number(e.target.value))} aria-label="Buyers" />
      </label>
      <span className="muted">
        {count(Math.round(buyers / 2))} sellers, {count(Math.max(1, Math.round(buyers / 10)))} mediators
      </span>
      <label>
        Fault rate <input type="number" min={0} max={0.5} step={0.01} value={faults} onChange={(e) => setFaults(Number(e.target.value))} aria-label="Fault rate" />
      </label>
      <button type="submit" disabled={busy} data-testid="start-market">
        Start a market
      </button>
      {error ? <Note kind="error">{error}</Note> : null}
    </form>
  );
}

/** The list of markets. */
export function MarketplacePage() {
  const list = useApi<{ data: MarketSummary[] }>('/api/orchestration/markets');
  const rows = list.data?.data ?? [];
  return (
    <div className="page" data-testid="page-marketplace">
      <Card title="Start a marketplace on this node">
        <StartForm />
        <p className="muted">Or from a terminal: <code>daca demo marketplace --buyers 1000 --sellers 500 --mediators 100</code></p>
      </Card>
      <Card title="Markets">
        {!list.data ? (
          list.loading ? <Loading /> : <ApiNote state={list} what="markets" />
        ) : rows.length === 0 ? (
          <p className="empty">No market has run on this node yet.</p>
        ) : (
          <TableWrap>
            <table data-testid="markets-table">
              <thead>
                <tr>
                  <th>Market</th>
                  <th>Status</th>
                  <th>Agents</th>
                  <th>Simulated</th>
                  <th>Deals</th>
                  <th>Expired</th>
                  <th>Model spend</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr key={m.id} data-market={m.id}>
                    <td>
                      <Link to={`marketplace/${encodeURIComponent(m.id)}`}>{m.id}</Link>
                    </td>
                    <td>{m.error ? <Badge tone="bad">failed</Badge> : m.running ? <Badge tone="info">running</Badge> : <Badge tone="ok">done</Badge>}</td>
                    <td>{count(m.agents)}</td>
                    <td>{count(m.sim_minutes)} min</td>
                    <td>{count(m.deals)}</td>
                    <td>{count(m.expired)}</td>
                    <td>{money(m.model_cost_usd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
    </div>
  );
}

/** One market: figures, charts, recent deals. */
export function MarketDetailPage({ id }: { id: string }) {
  const m = useApi<MarketDetail>(`/api/orchestration/markets/${encodeURIComponent(id)}`);
  const deals = useApi<{ data: { deal: string; buyer: string; seller: string; sku: string; qty: number; amount_usd: number; rounds: number; settled_s: number }[] }>(
    `/api/orchestration/markets/${encodeURIComponent(id)}/deals?limit=20`,
  );
  if (!m.data) return m.loading ? <Loading /> : <ApiNote state={m} what="the market" />;
  const d = m.data;
  const t0 = Date.parse(d.started_at);
  const series = d.series.map((p) => ({ ...p, ts: t0 + p.t_min * 60_000 })) as unknown as SeriesPoint[];
  const pt = (p: SeriesPoint): MarketPoint => p as unknown as MarketPoint;
  const violations = d.figures?.invariant_violations;
  return (
    <div className="page" data-testid="page-market">
      <p>
        <Link to="marketplace">← Markets</Link> · <strong>{d.id}</strong> {d.running ? <Badge tone="info">running</Badge> : <Badge tone="ok">done</Badge>} ·{' '}
        <span className="muted">{count(d.sim_minutes)} simulated minutes</span>
      </p>
      <div className="stats">
        <Stat id="market-deals" label="Deals" text={count(d.deals)} value={d.deals} />
        <Stat id="market-served" label="Feasible needs served" text={pct(d.feasible.ratio)} value={d.feasible.ratio} hint={`${count(d.feasible.served)} of ${count(d.feasible.feasible)}`} />
        <Stat id="market-jain" label="Fairness (Jain, buyers)" text={d.fairness.buyers_served.toFixed(3)} value={d.fairness.buyers_served} />
        <Stat id="market-spend" label="Model spend" text={money(d.model_cost_usd)} value={d.model_cost_usd} hint="metered by the gateway, per agent" />
        <Stat id="market-live" label="Live agents" text={count(Object.values(d.live).reduce((a, b) => a + b, 0))} hint={Object.entries(d.live).map(([k, v]) => `${count(v)} ${k}`).join(' · ')} />
        <Stat id="market-safety" label="Deadlocks / starved / violations" text={`${d.deadlocks.detected} / ${d.starved} / ${violations ?? '–'}`} />
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: 12 }}>
        <TimeChart title="Deals settled" series={series} lines={[{ label: 'deals', value: (p) => pt(p).deals, color: '--c1', fill: true }]} format={(v) => count(v)} />
        <TimeChart title="Price / reference price" series={series} lines={[{ label: 'price index', value: (p) => pt(p).price_index, color: '--c2' }]} format={(v) => v.toFixed(2)} />
        <TimeChart title="Mediator queues and work in progress" series={series} lines={[{ label: 'queued needs', value: (p) => pt(p).queued, color: '--c3' }, { label: 'turns running', value: (p) => pt(p).active, color: '--c4' }]} format={(v) => count(v)} />
        <TimeChart
          title="Live agents per type"
          series={series}
          lines={['buyer', 'seller', 'mediator'].map((k, i) => ({ label: k, value: (p: SeriesPoint) => pt(p).live[k] ?? 0, color: `--c${i + 1}` }))}
          format={(v) => count(v)}
        />
        <TimeChart title="Model spend" series={series} lines={[{ label: 'USD', value: (p) => pt(p).model_cost_usd, color: '--c5', fill: true }]} format={(v) => money(v)} />
      </div>
      <Card title={`Approvals ${d.approvals.requested} · approved ${d.approvals.approved} · rejected ${d.approvals.rejected}`}>
        <p className="muted">
          Faults: {Object.entries(d.faults).map(([k, v]) => `${k.replace('_', ' ')} ${count(v)}`).join(' · ')}
        </p>
      </Card>
      <Card title="Recent deals">
        {!deals.data ? (
          <Loading />
        ) : (
          <TableWrap>
            <table data-testid="deals-table">
              <thead>
                <tr>
                  <th>Deal</th>
                  <th>Buyer</th>
                  <th>Seller</th>
                  <th>Goods</th>
                  <th>Amount</th>
                  <th>Rounds</th>
                </tr>
              </thead>
              <tbody>
                {deals.data.data.map((x) => (
                  <tr key={x.deal}>
                    <td>
                      <Link to={`marketplace/${encodeURIComponent(id)}/${encodeURIComponent(x.deal)}`}>{x.deal}</Link>
                    </td>
                    <td>{x.buyer}</td>
                    <td>{x.seller}</td>
                    <td>
                      {x.qty} × {x.sku}
                    </td>
                    <td>{money(x.amount_usd)}</td>
                    <td>{x.rounds}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
    </div>
  );
}
