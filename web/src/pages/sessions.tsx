/**
 * Sessions: the latest sessions with their totals; on a server without `/api/sessions`, sessions
 * are read from `/api/usage` grouped by session.
 */
import { useState } from 'react';
import { qs } from '../api';
import { ApiNote, Card, Loading, Note } from '../components/ui';
import { count } from '../format';
import { useRange } from '../range';
import type { ListOf, Session, UsageReport } from '../types';
import { useApi } from '../use-api';
import { SessionTable, sessionsFromUsage } from './session-table';

/** The sessions page. */
export function SessionsPage() {
  const { range } = useRange();
  const [agent, setAgent] = useState('');
  const list = useApi<ListOf<Session>>(`/api/sessions${qs({ from: range.from, agent: agent.trim(), limit: 200 })}`);
  const usage = useApi<UsageReport>(list.unavailable ? `/api/usage${qs({ from: range.from, agent: agent.trim(), group_by: 'session,agent' })}` : null);
  const sessions = list.data?.data ?? (usage.data ? sessionsFromUsage(usage.data.groups) : null);

  return (
    <div className="page" data-testid="page-sessions">
      <Card
        title={<>Sessions {sessions ? <span className="muted">({count(sessions.length)})</span> : null}</>}
        actions={<input className="search" type="search" placeholder="Agent" aria-label="Only this agent" value={agent} onChange={(e) => setAgent(e.target.value)} />}
      >
        {list.unavailable ? <Note>Session timelines need <code>/api/sessions</code>, which this server does not have yet; totals below come from <code>/api/usage</code>.</Note> : null}
        {sessions ? <SessionTable sessions={sessions} /> : list.loading || usage.loading ? <Loading /> : <ApiNote state={list.unavailable ? usage : list} what="sessions" />}
      </Card>
    </div>
  );
}
