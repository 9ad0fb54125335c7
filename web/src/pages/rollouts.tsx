/**
 * Rollouts: canary rollouts of model versions per agent group — running ones first with canary vs
 * stable error and success rates, then finished ones with how they ended.
 */
import { ApiNote, Badge, Card, Link, Loading, Stat, TableWrap, Time } from '../components/ui';
import { count, pct } from '../format';
import type { ListOf } from '../types';
import { useApi } from '../use-api';
import type { RolloutView } from './rollouts-api';

/** The badge of a rollout's status. */
export function StatusBadge({ r }: { r: Pick<RolloutView, 'status'> }) {
  const tone = r.status === 'running' ? 'info' : r.status === 'promoted' ? 'ok' : 'bad';
  return <Badge tone={tone}>{r.status === 'rolled_back' ? 'rolled back' : r.status}</Badge>;
}

function armCell(a: RolloutView['analysis'], arm: 'stable' | 'canary') {
  const x = a?.[arm];
  if (!x) return <span className="muted">–</span>;
  return (
    <span title={`${x.requests} requests, ${x.judged} judged`}>
      {pct(x.error_rate)} / {x.success_rate === null ? '–' : pct(x.success_rate)} <span className="muted">n={count(x.requests)}</span>
    </span>
  );
}

/** The rollouts page. */
export function RolloutsPage() {
  const list = useApi<ListOf<RolloutView>>('/api/rollouts?status=all');
  const rows = list.data?.data ?? [];
  const running = rows.filter((r) => r.status === 'running');
  const promoted = rows.filter((r) => r.status === 'promoted').length;
  const rolledBack = rows.filter((r) => r.status === 'rolled_back').length;
  const ordered = [...running, ...rows.filter((r) => r.status !== 'running')];
  return (
    <div className="page" data-testid="page-rollouts">
      <div className="stats">
        <Stat id="rollouts-running" label="Running rollouts" text={list.data ? count(running.length) : '–'} value={list.data ? running.length : null} />
        <Stat id="rollouts-promoted" label="Promoted" text={list.data ? count(promoted) : '–'} value={list.data ? promoted : null} />
        <Stat id="rollouts-rolled-back" label="Rolled back" text={list.data ? count(rolledBack) : '–'} value={list.data ? rolledBack : null} hint="by a guard, a failed eval gate or an operator" />
      </div>
      <Card title="Rollouts">
        {!list.data ? (
          list.loading ? <Loading /> : <ApiNote state={list} what="rollouts" />
        ) : rows.length === 0 ? (
          <p className="empty">
            No rollouts yet. Start one with <code>daca rollout start --agent-group support --to v4 --canary 5% --for 7d</code>.
          </p>
        ) : (
          <TableWrap>
            <table data-testid="rollouts-table">
              <thead>
                <tr>
                  <th>Rollout</th>
                  <th>Group</th>
                  <th>Change</th>
                  <th>Canary</th>
                  <th>Status</th>
                  <th>Stable err / success</th>
                  <th>Canary err / success</th>
                  <th>Started</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {ordered.map((r) => (
                  <tr key={r.id} data-rollout={r.id} data-status={r.status}>
                    <td>
                      <Link to={`rollouts/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                    </td>
                    <td>{r.group}</td>
                    <td>
                      {r.from} → <strong>{r.to}</strong>
                    </td>
                    <td>
                      {r.canary_pct}% of {r.by}
                    </td>
                    <td data-col="status">
                      <StatusBadge r={r} />
                    </td>
                    <td>{armCell(r.analysis, 'stable')}</td>
                    <td>{armCell(r.analysis, 'canary')}</td>
                    <td>
                      <Time at={r.started_at} />
                    </td>
                    <td className="muted" style={{ maxWidth: 360 }}>
                      {r.reason ?? r.analysis?.reason ?? ''}
                    </td>
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
