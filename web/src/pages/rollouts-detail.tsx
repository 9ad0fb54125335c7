/**
 * One rollout: canary vs stable figures and charts (error rate, success rate, latency over time),
 * the guards and the promotion criterion as last analysed, its steps, and Promote / Roll back
 * buttons while it runs.
 */
import { useState } from 'react';
import { TimeChart, type Line } from '../components/chart';
import { ApiNote, Badge, Card, Loading, Note, Stat, Time } from '../components/ui';
import { count, money, ms, pct } from '../format';
import { useLive } from '../live';
import type { SeriesPoint } from '../types';
import { useApi } from '../use-api';
import { decideRollout, type ArmPointView, type CheckView, type RolloutDetailView } from './rollouts-api';
import { StatusBadge } from './rollouts';

type Point = RolloutDetailView['series'][number];

/** Two lines, stable and canary, of one per-arm figure (the chart reads `ts` from each point). */
function armLines(value: (a: ArmPointView) => number | null, what = '', colors: [string, string] = ['--c2', '--c4']): Line[] {
  const of = (arm: 'stable' | 'canary') => (p: SeriesPoint) => {
    const x = (p as unknown as Point)[arm];
    return x.requests ? value(x) : null;
  };
  return [
    { label: `stable${what}`, value: of('stable'), color: colors[0] },
    { label: `canary${what}`, value: of('canary'), color: colors[1] },
  ];
}

function Checks({ title, checks, word }: { title: string; checks: CheckView[]; word: string }) {
  if (!checks.length) return null;
  return (
    <div>
      <h3 style={{ fontSize: 14, margin: '8px 0' }}>{title}</h3>
      <ul className="checks" data-testid={`checks-${title.toLowerCase().replace(/\W+/g, '-')}`}>
        {checks.map((c) => (
          <li key={c.condition}>
            <Badge tone={c.pending ? 'muted' : c.holds ? (word === 'breached' ? 'bad' : 'ok') : 'info'}>{c.pending ? 'waiting' : c.holds ? word : 'not yet'}</Badge> <code>{c.condition}</code>{' '}
            <span className="muted">{c.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The page of one rollout. */
export function RolloutDetailPage({ id }: { id: string }) {
  const { refresh } = useLive();
  const r = useApi<RolloutDetailView>(`/api/rollouts/${encodeURIComponent(id)}`);
  const [flash, setFlash] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (!r.data) return r.loading ? <Loading /> : <ApiNote state={r} what={`rollout ${id}`} />;
  const d = r.data;
  const a = d.analysis;
  const series = d.series as unknown as SeriesPoint[];

  const act = async (action: 'promote' | 'rollback'): Promise<void> => {
    setBusy(true);
    try {
      const out = await decideRollout(d.id, action, `${action === 'promote' ? 'promoted' : 'rolled back'} from the dashboard`);
      setFlash({ kind: 'info', text: out.status === 'promoted' ? `Promoted: ${out.group} now runs ${out.to}.` : `Rolled back: ${out.group} is back on ${out.from}.` });
    } catch (e) {
      setFlash({ kind: 'error', text: `Could not ${action} ${d.id}: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
      refresh();
    }
  };

  return (
    <div className="page" data-testid="page-rollout" data-status={d.status}>
      <Card
        title={
          <>
            {d.group}: {d.from} → {d.to} <StatusBadge r={d} />
          </>
        }
        actions={
          d.status === 'running' ? (
            <div style={{ display: 'flex', gap: 8 }}>
              <button type="button" className="primary" disabled={busy} onClick={() => void act('promote')}>
                Promote
              </button>
              <button type="button" className="ghost" style={{ color: 'var(--bad)' }} disabled={busy} onClick={() => void act('rollback')}>
                Roll back
              </button>
            </div>
          ) : null
        }
      >
        {flash ? (
          <Note kind={flash.kind}>
            <span data-testid="rollout-flash">{flash.text}</span>
          </Note>
        ) : null}
        <p className="muted">
          {d.canary_pct}% of {d.by} on the canary · started <Time at={d.started_at} /> · {d.status === 'running' ? <>ends <Time at={d.ends_at} /></> : <>decided <Time at={d.decided_at} /></>}
          {d.promote_if ? <> · promote if <code>{d.promote_if}</code></> : null}
          {d.rollback_if ? <> · roll back if <code>{d.rollback_if}</code></> : null}
          {d.gate ? <> · eval gate {d.gate.suite}: {d.gate.passed ? 'passed' : 'failed'}</> : null}
        </p>
        {d.reason || a ? <p data-testid="rollout-reason">{d.reason ?? a?.reason}</p> : null}
      </Card>
      <div className="stats">
        <Stat id="stable-requests" label="Stable requests" text={count(a?.stable.requests)} value={a?.stable.requests ?? null} />
        <Stat id="canary-requests" label="Canary requests" text={count(a?.canary.requests)} value={a?.canary.requests ?? null} />
        <Stat id="stable-errors" label="Stable error rate" text={pct(a?.stable.error_rate)} value={a?.stable.error_rate ?? null} />
        <Stat id="canary-errors" label="Canary error rate" text={pct(a?.canary.error_rate)} value={a?.canary.error_rate ?? null} />
        <Stat id="stable-success" label="Stable success" text={pct(a?.stable.success_rate)} value={a?.stable.success_rate ?? null} hint={a ? `${count(a.stable.judged)} judged` : undefined} />
        <Stat id="canary-success" label="Canary success" text={pct(a?.canary.success_rate)} value={a?.canary.success_rate ?? null} hint={a ? `${count(a.canary.judged)} judged` : undefined} />
      </div>
      <Card title="Canary vs stable">
        <div className="charts charts-4">
          <TimeChart title="Success and error rate" series={series} lines={[...armLines((x) => x.success_rate, ' success'), ...armLines((x) => x.error_rate, ' errors', ['--c1', '--bad'])]} format={pct} />
          <TimeChart title="Mean cost" series={series} lines={armLines((x) => (x.mean_cost_micros === null ? null : x.mean_cost_micros / 1e6))} format={money} />
          <TimeChart title="Mean latency" series={series} lines={armLines((x) => x.mean_latency_ms)} format={ms} />
          <TimeChart title="Requests" series={series} lines={armLines((x) => x.requests)} format={count} />
        </div>
      </Card>
      {a ? (
        <Card title="Last analysis">
          <Checks title="Guards" checks={a.guards} word="breached" />
          <Checks title="Promotion" checks={a.promotion} word="met" />
          {!a.guards.length && !a.promotion.length ? <p className="muted">No guards or promotion criterion: the canary is promoted when its time is up.</p> : null}
        </Card>
      ) : null}
      <Card title="Steps">
        <ul className="events" data-testid="rollout-events">
          {d.events.map((e) => (
            <li key={e.id}>
              <Time at={e.ts} /> <Badge tone="muted">{e.kind.replace('_', ' ')}</Badge> {e.summary} <span className="muted">({e.actor})</span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
