/**
 * Topology: the agent mesh live — agents as nodes (coloured by health), calls between them as
 * edges (coloured by errors and SLO status, labelled with calls/min and p99), refreshed every
 * 3 seconds, with the edge table and the latest routing decisions below.
 */
import { useEffect, useState } from 'react';
import { apiGet } from '../api';
import { Badge, Card, Loading, Note, TableWrap, Time } from '../components/ui';

interface MeshNode {
  id: string;
  kind: string;
  health: 'healthy' | 'degraded' | 'unhealthy';
  instances: number;
  tenant: string | null;
}

interface MeshEdge {
  caller: string;
  callee: string;
  calls: number;
  rate: number;
  errors: number;
  errorRate: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  slo: { p99Ms?: number; errorRate?: number; status: 'ok' | 'violated' | 'no-objective' | 'no-traffic' };
  lastCallAt: number;
}

interface Decision {
  id: string;
  at: number;
  caller: string;
  text: string;
  routedTo: string | null;
  score: number;
  reason: string;
}

const HEALTH_COLOUR: Record<MeshNode['health'], string> = { healthy: '#16a34a', degraded: '#d97706', unhealthy: '#dc2626' };

function edgeColour(e: MeshEdge): string {
  if (e.slo.status === 'violated' || e.errorRate > 0.05) return '#dc2626';
  if (e.errors > 0) return '#d97706';
  return '#64748b';
}

/** Polls a JSON document every `ms` without flashing. */
function usePoll<T>(path: string, ms: number): { data: T | null; error: string | null } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    let live = true;
    const ac = new AbortController();
    const read = () =>
      apiGet<T>(path, ac.signal).then(
        (data) => live && setState({ data, error: null }),
        (e: unknown) => live && setState((s) => ({ data: s.data, error: e instanceof Error ? e.message : String(e) })),
      );
    void read();
    const t = setInterval(read, ms);
    return () => {
      live = false;
      clearInterval(t);
      ac.abort();
    };
  }, [path, ms]);
  return state;
}

/** Nodes on a circle (callers that are not agents on an inner ring). */
function layout(nodes: MeshNode[], w: number, h: number): Map<string, { x: number; y: number }> {
  const pos = new Map<string, { x: number; y: number }>();
  const outer = nodes.filter((n) => n.kind !== 'caller');
  const inner = nodes.filter((n) => n.kind === 'caller');
  const place = (list: MeshNode[], r: number, phase: number) =>
    list.forEach((n, i) => {
      const a = phase + (2 * Math.PI * i) / Math.max(1, list.length);
      pos.set(n.id, { x: w / 2 + r * Math.cos(a), y: h / 2 + r * Math.sin(a) });
    });
  place(outer, Math.min(w, h) / 2 - 60, -Math.PI / 2);
  place(inner, inner.length > 1 ? Math.min(w, h) / 6 : 0, Math.PI / 4);
  return pos;
}

function Graph({ nodes, edges }: { nodes: MeshNode[]; edges: MeshEdge[] }) {
  const w = 720;
  const h = 420;
  const pos = layout(nodes, w, h);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label="Agent mesh topology" data-testid="topology-graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#64748b" />
        </marker>
      </defs>
      {edges.map((e) => {
        const a = pos.get(e.caller);
        const b = pos.get(e.callee);
        if (!a || !b) return null;
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const len = Math.hypot(dx, dy) || 1;
        const [x1, y1, x2, y2] = [a.x + (dx / len) * 26, a.y + (dy / len) * 26, b.x - (dx / len) * 28, b.y - (dy / len) * 28];
        return (
          <g key={`${e.caller}->${e.callee}`} data-testid="topology-edge">
            <line x1={x1} y1={y1} x2={x2} y2={y2} stroke={edgeColour(e)} strokeWidth={Math.min(6, 1.5 + Math.log10(1 + e.calls))} markerEnd="url(#arrow)" />
            <text x={(x1 + x2) / 2} y={(y1 + y2) / 2 - 6} fontSize="11" textAnchor="middle" fill="currentColor">
              {e.calls}/min · p99 {e.p99Ms.toFixed(1)} ms{e.errors ? ` · ${e.errors} err` : ''}
            </text>
          </g>
        );
      })}
      {nodes.map((n) => {
        const p = pos.get(n.id)!;
        return (
          <g key={n.id} data-testid="topology-node" data-health={n.health}>
            <circle cx={p.x} cy={p.y} r={24} fill={n.kind === 'caller' ? '#e2e8f0' : HEALTH_COLOUR[n.health]} stroke="#0f172a" strokeOpacity={0.2} />
            <text x={p.x} y={p.y + 40} fontSize="12" textAnchor="middle" fill="currentColor">
              {n.id}
            </text>
            {n.instances > 0 ? (
              <text x={p.x} y={p.y + 4} fontSize="11" textAnchor="middle" fill="#fff">
                ×{n.instances}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

/** The topology page. */
export function TopologyPage() {
  const topo = usePoll<{ nodes: MeshNode[]; edges: MeshEdge[] }>('/api/mesh/edges', 3000);
  const decisions = usePoll<{ decisions: Decision[] }>('/api/mesh/decisions?limit=10', 3000);
  const nodes = topo.data?.nodes ?? [];
  const edges = topo.data?.edges ?? [];
  const unhealthy = nodes.filter((n) => n.health !== 'healthy' && n.kind !== 'caller').length;
  return (
    <div className="page" data-testid="page-topology">
      <Card title={<>Agent mesh {topo.data ? <Badge tone={unhealthy ? 'warn' : 'ok'}>{unhealthy ? `${unhealthy} not healthy` : `${nodes.filter((n) => n.kind !== 'caller').length} agents healthy`}</Badge> : null}</>}>
        {!topo.data ? (
          topo.error ? <Note kind="error">The mesh API did not answer: {topo.error}</Note> : <Loading />
        ) : nodes.length === 0 ? (
          <p className="empty">No agents yet. Declare agents with skills in daca.yaml, or register an external A2A agent with <code>daca mesh add NAME URL</code>.</p>
        ) : (
          <Graph nodes={nodes} edges={edges} />
        )}
        <p className="sub">Green: healthy · amber: degraded (some instances ejected or erroring) · red: unhealthy or SLO violated. Edges: calls in the last minute, p99 latency.</p>
      </Card>
      <Card title="Edges (last minute)">
        {edges.length === 0 ? (
          <p className="empty">No calls between agents yet.</p>
        ) : (
          <TableWrap>
            <table data-testid="topology-edges">
              <thead>
                <tr><th>caller</th><th>callee</th><th>calls/min</th><th>p50 ms</th><th>p99 ms</th><th>errors</th><th>SLO</th></tr>
              </thead>
              <tbody>
                {edges.map((e) => (
                  <tr key={`${e.caller}->${e.callee}`}>
                    <td>{e.caller}</td>
                    <td>{e.callee}</td>
                    <td>{e.calls}</td>
                    <td>{e.p50Ms.toFixed(2)}</td>
                    <td>{e.p99Ms.toFixed(2)}</td>
                    <td>{e.errors ? `${e.errors} (${(e.errorRate * 100).toFixed(1)}%)` : 0}</td>
                    <td>
                      <Badge tone={e.slo.status === 'violated' ? 'bad' : e.slo.status === 'ok' ? 'ok' : 'muted'}>{e.slo.status}</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
      <Card title="Routing decisions">
        {(decisions.data?.decisions ?? []).length === 0 ? (
          <p className="empty">No request stated in words has been routed yet (send one to the mesh's A2A endpoint <code>/a2a/</code>).</p>
        ) : (
          <ul className="alerts" data-testid="topology-decisions">
            {decisions.data!.decisions.map((d) => (
              <li key={d.id}>
                <Badge tone={d.routedTo ? 'ok' : 'warn'}>{d.routedTo ?? 'not routed'}</Badge> <strong>{d.text.slice(0, 90)}</strong>
                <div className="sub">
                  {d.caller} · score {d.score} · <Time at={d.at} /> — {d.reason}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
