/**
 * Alerts: firing and resolved alerts from the spec's rules, with their deliveries.
 */
import { useState } from 'react';
import { qs } from '../api';
import { ApiNote, Badge, Card, Link, Loading, Time } from '../components/ui';
import { count } from '../format';
import type { Alert, ListOf } from '../types';
import { useApi } from '../use-api';

type Filter = 'firing' | 'resolved' | 'all';

function subjectLink(a: Alert) {
  const { kind, id } = a.subject;
  if (kind === 'agent' || kind === 'anomaly') return <Link to={`agents/${encodeURIComponent(id)}`}>{id}</Link>;
  return <span>{id}</span>;
}

/** The alerts page. */
export function AlertsPage() {
  const [filter, setFilter] = useState<Filter>('all');
  const alerts = useApi<ListOf<Alert>>(`/api/alerts${qs({ state: filter })}`);
  const list = alerts.data?.data ?? [];
  const firing = list.filter((a) => a.state === 'firing').length;

  return (
    <div className="page" data-testid="page-alerts">
      <Card
        title={<>Alerts {alerts.data ? <Badge tone={firing ? 'bad' : 'ok'}>{firing ? `${count(firing)} firing` : 'all clear'}</Badge> : null}</>}
        actions={
          <div className="seg" role="group" aria-label="Alert state">
            {(['all', 'firing', 'resolved'] as const).map((f) => (
              <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
                {f}
              </button>
            ))}
          </div>
        }
      >
        {!alerts.data ? (
          alerts.loading ? <Loading /> : <ApiNote state={alerts} what="alerting" />
        ) : list.length === 0 ? (
          <p className="empty">No {filter === 'all' ? '' : filter + ' '}alerts. Rules are declared under <code>alerts:</code> in daca.yaml.</p>
        ) : (
          <ul className="alerts" data-testid="alerts-list">
            {list.map((a) => (
              <li key={a.id} className={`alert alert-${a.state}`}>
                <div className="alert-head">
                  <Badge tone={a.state === 'firing' ? 'bad' : 'ok'}>{a.state}</Badge>
                  <Badge tone={a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : 'info'}>{a.severity}</Badge>
                  <strong>{a.message}</strong>
                </div>
                <div className="sub">
                  rule <code>{a.rule}</code> · {a.subject.kind} {subjectLink(a)}
                  {a.value !== null && a.threshold !== null ? <> · value {a.value.toLocaleString('en-US')} (threshold {a.threshold.toLocaleString('en-US')})</> : null}
                </div>
                <div className="sub">
                  started <Time at={a.started_at} />
                  {a.resolved_at ? <> · resolved <Time at={a.resolved_at} /></> : null}
                </div>
                {a.deliveries.length ? (
                  <ul className="deliveries">
                    {a.deliveries.map((d) => (
                      <li key={d.target}>
                        <Badge tone={d.status === 'delivered' || d.status === 'ok' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn'}>{d.status}</Badge>
                        <span className="mono">{d.target}</span>
                        <span className="muted">{count(d.attempts)} attempt{d.attempts === 1 ? '' : 's'}</span>
                        {d.last_error ? <span className="bad">{d.last_error}</span> : null}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <div className="sub">Not delivered to any webhook (none configured under <code>alerts.webhooks</code>); shown here and in the log.</div>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
