/**
 * Approvals: requests waiting for a human (reason, agent, model, estimated cost, age) with approve
 * and reject buttons, and the decisions made so far. Refreshes on every live event (a refused
 * request is one) and every few seconds, so expiries and decisions made elsewhere show up too.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { qs } from '../api';
import { ApiNote, Badge, Card, Loading, Note, Stat, TableWrap } from '../components/ui';
import { count, money, relative, toMs } from '../format';
import { useLive } from '../live';
import type { ListOf } from '../types';
import { useApi } from '../use-api';
import { decideApproval, storeApprover, storedApprover, type ApprovalStatus, type ApprovalView } from './approvals-api';
import { ApprovalRow, type Decide } from './approvals-row';

type Filter = ApprovalStatus | 'all';
const FILTERS: Filter[] = ['pending', 'approved', 'rejected', 'expired', 'all'];

/** How often the page re-reads approvals besides live events (ms). */
export const APPROVALS_REFRESH_MS = 3_000;

/** The approvals page. */
export function ApprovalsPage() {
  const { refresh } = useLive();
  const [filter, setFilter] = useState<Filter>('pending');
  const [approver, setApprover] = useState(storedApprover);
  const [flash, setFlash] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const list = useApi<ListOf<ApprovalView>>(`/api/approvals${qs({ status: filter === 'all' ? undefined : filter, limit: 200 })}`);
  const pending = useApi<ListOf<ApprovalView>>(`/api/approvals${qs({ status: 'pending', limit: 200 })}`);

  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;
  useEffect(() => {
    const t = window.setInterval(() => latestRefresh.current(), APPROVALS_REFRESH_MS);
    return () => window.clearInterval(t);
  }, []);

  const decide: Decide = useCallback(
    async (a, decision, note) => {
      try {
        const d = await decideApproval(a.id, decision, { ...(approver.trim() ? { as: approver.trim() } : {}), ...(note ? { note } : {}) });
        setFlash({ kind: 'info', text: `${d.status === 'approved' ? 'Approved' : 'Rejected'} ${d.id} (${d.agent}) as ${d.decided_by}. ${d.status === 'approved' ? `The agent can retry with x-daca-approval: ${d.id}.` : ''}` });
        return true;
      } catch (e) {
        setFlash({ kind: 'error', text: `Could not ${decision} ${a.id}: ${e instanceof Error ? e.message : String(e)}` });
        return false;
      } finally {
        refresh();
      }
    },
    [approver, refresh],
  );

  const rows = list.data?.data ?? [];
  const open = pending.data?.data ?? [];
  const oldest = open.reduce<number | null>((m, a) => {
    const t = toMs(a.created_at);
    return t !== null && (m === null || t < m) ? t : m;
  }, null);
  const held = open.reduce((s, a) => s + (a.estimated_cost_usd ?? 0), 0);

  return (
    <div className="page" data-testid="page-approvals">
      <div className="stats">
        <Stat id="approvals-pending" label="Waiting for a human" text={pending.data ? count(open.length) : '–'} value={pending.data ? open.length : null} />
        <Stat id="approvals-cost" label="Estimated cost waiting" text={pending.data ? money(held) : '–'} value={pending.data ? held : null} />
        <Stat id="approvals-oldest" label="Oldest request" text={oldest === null ? '–' : relative(oldest)} hint={oldest === null ? 'nothing is waiting' : 'unanswered approvals expire and are rejected'} />
      </div>
      <Card
        title={
          <>
            Approvals{' '}
            {pending.data ? <Badge tone={open.length ? 'warn' : 'ok'}>{open.length ? `${count(open.length)} pending` : 'nothing pending'}</Badge> : null}
          </>
        }
        actions={
          <div style={{ display: 'flex', gap: 10, alignItems: 'center', flexWrap: 'wrap' }}>
            <label className="muted" style={{ display: 'inline-flex', gap: 6, alignItems: 'center', fontSize: 13 }}>
              Decide as
              <input
                type="search"
                style={{ width: 140 }}
                placeholder="your name"
                aria-label="Decide as"
                value={approver}
                onChange={(e) => {
                  setApprover(e.target.value);
                  storeApprover(e.target.value);
                }}
              />
            </label>
            <div className="seg" role="group" aria-label="Approval state">
              {FILTERS.map((f) => (
                <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
                  {f}
                </button>
              ))}
            </div>
          </div>
        }
      >
        {flash ? (
          <Note kind={flash.kind}>
            <span data-testid="approvals-flash">{flash.text}</span>
          </Note>
        ) : null}
        {!list.data ? (
          list.loading ? <Loading /> : <ApiNote state={list} what="approvals" />
        ) : rows.length === 0 ? (
          <p className="empty">
            No {filter === 'all' ? '' : `${filter} `}approvals. Rules that send requests to a human are declared under <code>approvals:</code> in daca.yaml.
          </p>
        ) : (
          <TableWrap>
            <table data-testid="approvals-table">
              <thead>
                <tr>
                  <th>Request</th>
                  <th>Agent</th>
                  <th>Model</th>
                  <th className="num">Est. cost</th>
                  <th>Age</th>
                  <th>Decision</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <ApprovalRow key={a.id} a={a} decide={decide} />
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
    </div>
  );
}
