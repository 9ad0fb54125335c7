/**
 * A table of sessions, shared by the sessions page and an agent's page.
 */
import { Link, TableWrap, Time } from '../components/ui';
import { count, money } from '../format';
import type { Session } from '../types';

/** Sessions with their totals; `showAgent` adds the agent column. */
export function SessionTable({ sessions, showAgent = true }: { sessions: Session[]; showAgent?: boolean }) {
  if (sessions.length === 0) return <p className="empty">No sessions in this range. Calls join a session when they send an <code>x-daca-session</code> header.</p>;
  const hasTimes = sessions.some((s) => s.last_ts !== null && s.last_ts !== undefined);
  return (
    <TableWrap>
      <table data-testid="sessions-table">
        <thead>
          <tr>
            <th>Session</th>
            {showAgent ? <th>Agent</th> : null}
            <th className="num">Requests</th>
            <th className="num">Tokens</th>
            <th className="num">Cost</th>
            {hasTimes ? <th>Last call</th> : null}
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={`${s.agent}/${s.session}`}>
              <td className="mono">
                <Link to={`sessions/${encodeURIComponent(s.session)}`}>{s.session}</Link>
              </td>
              {showAgent ? (
                <td>
                  <Link to={`agents/${encodeURIComponent(s.agent)}`}>{s.agent}</Link>
                </td>
              ) : null}
              <td className="num">
                {count(s.requests)}
                {s.errors ? <span className="bad"> ({count(s.errors)} err)</span> : null}
              </td>
              <td className="num">{count(s.input_tokens + s.output_tokens)}</td>
              <td className="num">{money(s.cost_usd)}</td>
              {hasTimes ? (
                <td>
                  <Time at={s.last_ts} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Sessions built from `/api/usage?group_by=session,…` groups (for servers without `/api/sessions`). */
export function sessionsFromUsage(groups: Array<Record<string, string | number | null>>): Session[] {
  return groups
    .filter((g) => g.session !== null && g.session !== undefined && g.session !== '')
    .map((g) => ({
      session: String(g.session),
      agent: String(g.agent ?? ''),
      team: String(g.team ?? ''),
      tenant: String(g.tenant ?? ''),
      first_ts: null,
      last_ts: null,
      requests: Number(g.requests),
      errors: Number(g.errors),
      input_tokens: Number(g.input_tokens),
      output_tokens: Number(g.output_tokens),
      cost_usd: Number(g.cost_usd),
      cost_micros: Number(g.cost_micros),
    }))
    .sort((a, b) => b.cost_usd - a.cost_usd);
}
