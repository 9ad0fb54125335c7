/**
 * One session: its totals and the timeline of its calls.
 */
import { ApiError } from '../api';
import { ApiNote, Badge, Card, Link, Loading, Note, Stat, TableWrap, Time } from '../components/ui';
import { count, money, ms, toMs } from '../format';
import type { SessionDetail } from '../types';
import { useApi } from '../use-api';

/** The page of one session. */
export function SessionDetailPage({ session }: { session: string }) {
  const d = useApi<SessionDetail>(`/api/sessions/${encodeURIComponent(session)}`);
  const crumbs = (
    <nav className="crumbs">
      <Link to="sessions">Sessions</Link> / <strong className="mono">{session}</strong>
    </nav>
  );
  if (!d.data) {
    if (d.loading) return <Loading />;
    if (d.error instanceof ApiError && d.error.status === 404 && !d.unavailable) return <div className="page">{crumbs}<Note kind="warn">No session “{session}”.</Note></div>;
    return <div className="page" data-testid="page-session">{crumbs}<ApiNote state={d} what="the session timeline" /></div>;
  }
  const s = d.data.session;
  const timeline = [...d.data.timeline].sort((a, b) => (toMs(a.ts) ?? 0) - (toMs(b.ts) ?? 0));
  const start = toMs(s.first_ts) ?? toMs(timeline[0]?.ts) ?? 0;
  const end = Math.max(start + 1, ...timeline.map((t) => (toMs(t.ts) ?? start) + (t.latency_ms ?? 0)));

  return (
    <div className="page" data-testid="page-session">
      {crumbs}
      <div className="stats">
        <Stat id="session-requests" label="Requests" text={count(s.requests)} value={s.requests} hint={`${count(s.errors)} errors`} />
        <Stat id="session-cost" label="Cost" text={money(s.cost_usd)} value={s.cost_micros} />
        <Stat id="session-tokens" label="Tokens" text={count(s.input_tokens + s.output_tokens)} hint={`${count(s.input_tokens)} in · ${count(s.output_tokens)} out`} />
        <Stat id="session-agent" label="Agent" text={s.agent} hint={`${s.team} · ${s.tenant}`} />
        <Stat id="session-span" label="Duration" text={ms(end - start)} hint={<Time at={s.last_ts} />} />
      </div>
      <Card title="Timeline">
        <TableWrap>
          <table className="timeline" data-testid="timeline">
            <thead>
              <tr>
                <th>When</th>
                <th>Model</th>
                <th>Status</th>
                <th className="num">Tokens in / out</th>
                <th className="num">Cost</th>
                <th className="num">TTFT</th>
                <th className="num">Latency</th>
                <th className="gantt-col">Span</th>
              </tr>
            </thead>
            <tbody>
              {timeline.map((t) => {
                const at = toMs(t.ts) ?? start;
                const ok = Number(t.status) < 400;
                return (
                  <tr key={t.id} title={t.id}>
                    <td><Time at={t.ts} /></td>
                    <td className="mono">{t.model}</td>
                    <td>
                      <Badge tone={ok ? 'ok' : 'bad'}>{t.status}</Badge> {t.error_code ?? t.finish_reason ?? ''}
                    </td>
                    <td className="num">{count(t.input_tokens)} / {count(t.output_tokens)}</td>
                    <td className="num">{money(t.cost_usd)}</td>
                    <td className="num">{ms(t.ttft_ms)}</td>
                    <td className="num">{ms(t.latency_ms)}</td>
                    <td className="gantt-col">
                      <div className="gantt">
                        <span className={ok ? 'g-ok' : 'g-bad'} style={{ left: `${((at - start) / (end - start)) * 100}%`, width: `${Math.max(0.8, ((t.latency_ms ?? 0) / (end - start)) * 100)}%` }} />
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      </Card>
    </div>
  );
}
