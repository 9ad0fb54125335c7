/**
 * Audit: search the tamper-evident ledger by agent, session, request id, kind and time; each row
 * opens the record with its explanation; "Verify chain" re-derives the whole chain and its signed
 * checkpoints and says which record breaks it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { apiGet, qs } from '../api';
import { ApiNote, Badge, Card, Link, Loading, Note, TableWrap, Time } from '../components/ui';
import { count, ms } from '../format';
import { navigate, useRoute } from '../router';
import { useApi } from '../use-api';
import { actionTone, type AuditRecordView, type AuditSearchResult, type VerifyReportView } from './audit-api';

const KINDS = ['gateway_request', 'guardrail_verdict', 'approval_decision', 'agent_decision', 'key_change', 'spec_change', 'model_change', 'admin_action'];
const FIELDS = ['agent', 'session', 'request', 'kind', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];

/** A `datetime-local` value (local time) as an ISO instant for the API. */
function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const t = new Date(local).getTime();
  return Number.isNaN(t) ? local : new Date(t).toISOString();
}

/** The "Verify chain" button and what the last verification found. */
export function VerifyChain() {
  const [state, setState] = useState<{ busy: boolean; report: VerifyReportView | null; error: string | null }>({ busy: false, report: null, error: null });
  const run = async (): Promise<void> => {
    setState((s) => ({ ...s, busy: true, error: null }));
    try {
      setState({ busy: false, report: await apiGet<VerifyReportView>('/api/audit/verify'), error: null });
    } catch (e) {
      setState({ busy: false, report: null, error: e instanceof Error ? e.message : String(e) });
    }
  };
  const r = state.report;
  const p = r?.firstProblem;
  return (
    <Card
      title="Chain verification"
      actions={
        <button type="button" className="primary" disabled={state.busy} onClick={() => void run()}>
          {state.busy ? 'Verifying…' : 'Verify chain'}
        </button>
      }
    >
      {state.error ? <Note kind="error">Could not verify: {state.error}</Note> : null}
      {!r && !state.error ? (
        <p className="muted">
          Re-derives every record's hash from the stored data and checks each signed Merkle checkpoint (the same check as <code>daca audit verify</code>).
        </p>
      ) : null}
      {r ? (
        <div data-testid="verify-result" data-ok={String(r.ok)} data-seq={p?.seq ?? ''} data-records={r.records}>
          {r.ok ? (
            <p>
              <Badge tone="ok">verified</Badge> The chain holds: {count(r.records)} records, {count(r.checkpoints)} signed checkpoints, verified through record #{count(r.verifiedThrough)}
              {r.unanchored ? <> ({count(r.unanchored)} newer records are protected by the chain until the next checkpoint)</> : null}; head #{r.head.seq}{' '}
              <span className="mono muted">{r.head.hash.slice(0, 16)}…</span> · {ms(r.durationMs)}
            </p>
          ) : (
            <>
              <p data-testid="verify-break">
                <Badge tone="bad">broken</Badge> {p?.seq !== null && p?.seq !== undefined ? <>The chain breaks at record <strong>#{p.seq}</strong>{p.id ? <> (<Link to={`audit/${encodeURIComponent(p.id)}`}>{p.id}</Link>)</> : null}: </> : null}
                {p?.message} <span className="muted">({p?.kind})</span>
              </p>
              {r.problems.length > 1 ? (
                <ul className="events">
                  {r.problems.slice(1, 20).map((x, i) => (
                    <li key={i}>
                      {x.seq !== null ? `#${x.seq}: ` : ''}
                      {x.message} <span className="muted">({x.kind})</span>
                    </li>
                  ))}
                  {r.problems.length > 20 ? <li className="muted">… {count(r.problems.length - 20)} more</li> : null}
                </ul>
              ) : null}
            </>
          )}
        </div>
      ) : null}
    </Card>
  );
}

function decisionText(r: AuditRecordView): string {
  const d = r.body?.decision;
  if (!r.body) return 'payload purged past retention';
  if (d?.summary) return d.summary;
  const reasons = (d?.reasons ?? []).filter((x) => x.effect !== 'allow').map((x) => `${x.source} ${x.name}${x.detail ? `: ${x.detail}` : ''}`);
  const route = d?.route?.model ? `→ ${d.route.model}` : '';
  return [route, ...reasons].filter(Boolean).join(' · ');
}

/** The audit search page. */
export function AuditPage() {
  const { query } = useRoute();
  const val = (f: Field): string => query.get(f) ?? '';
  const [form, setForm] = useState<Record<Field, string>>(() => Object.fromEntries(FIELDS.map((f) => [f, val(f)])) as Record<Field, string>);
  const key = query.toString();
  useEffect(() => setForm(Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? ''])) as Record<Field, string>), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const before = query.get('before') ?? '';
  const path = `/api/audit${qs({ agent: val('agent'), session: val('session'), request_id: val('request'), kind: val('kind'), from: isoOf(val('from')), to: isoOf(val('to')), before, limit: 100 })}`;
  const res = useApi<AuditSearchResult>(path);
  const search = (e: FormEvent): void => {
    e.preventDefault();
    navigate(`audit${qs(Object.fromEntries(FIELDS.map((f) => [f, form[f].trim()])))}`);
  };
  const input = (f: Field, label: string, type = 'search') => (
    <label>
      {label}
      <input type={type} name={f} aria-label={label} value={form[f]} onChange={(e) => setForm({ ...form, [f]: e.target.value })} />
    </label>
  );
  const records = res.data?.records ?? [];
  return (
    <div className="page" data-testid="page-audit">
      <Card title="Search the audit ledger">
        <form className="filters" onSubmit={search} data-testid="audit-search">
          {input('agent', 'Agent')}
          {input('session', 'Session')}
          {input('request', 'Request id')}
          <label>
            Kind
            <select aria-label="Kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              <option value="">any</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </label>
          {input('from', 'From', 'datetime-local')}
          {input('to', 'To', 'datetime-local')}
          <button type="submit" className="primary">
            Search
          </button>
          <button type="button" className="ghost" onClick={() => (setForm(Object.fromEntries(FIELDS.map((f) => [f, ''])) as Record<Field, string>), navigate('audit'))}>
            Clear
          </button>
        </form>
      </Card>
      <VerifyChain />
      <Card title={<>Records {res.data ? <span className="muted">({count(records.length)}{res.data.next_before ? '+' : ''}, newest first)</span> : null}</>}>
        {!res.data ? (
          res.loading ? <Loading /> : <ApiNote state={res} what="audit records" />
        ) : records.length === 0 ? (
          <p className="empty">No audit records match.</p>
        ) : (
          <TableWrap>
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Time</th>
                  <th>Kind</th>
                  <th>Action</th>
                  <th>Agent</th>
                  <th>Session</th>
                  <th>Request</th>
                  <th>Actor</th>
                  <th>Decision</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => (
                  <tr key={r.id} data-record={r.id} data-seq={r.seq} data-request={r.request_id ?? ''}>
                    <td className="num">
                      <Link to={`audit/${encodeURIComponent(r.id)}`}>{r.seq}</Link>
                    </td>
                    <td>
                      <Time at={r.ts} />
                    </td>
                    <td>{r.kind.replace(/_/g, ' ')}</td>
                    <td data-col="action">{r.body?.decision ? <Badge tone={actionTone(r.body.decision.action)}>{r.body.decision.action.replace('_', ' ')}</Badge> : <span className="muted">–</span>}</td>
                    <td>{r.agent ?? <span className="muted">–</span>}</td>
                    <td className="mono">{r.session ? <Link to={`audit${qs({ session: r.session })}`}>{r.session}</Link> : <span className="muted">–</span>}</td>
                    <td className="mono">{r.request_id ? <Link to={`audit/${encodeURIComponent(r.id)}`}>{r.request_id}</Link> : <span className="muted">–</span>}</td>
                    <td>
                      {r.actor.kind} <span className="muted">{r.actor.id}</span>
                    </td>
                    <td className="wrap muted">{decisionText(r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {res.data?.next_before ? (
          <p>
            <Link to={`audit${qs({ ...Object.fromEntries(FIELDS.map((f) => [f, val(f)])), before: res.data.next_before })}`}>Older records →</Link>
          </p>
        ) : null}
      </Card>
    </div>
  );
}
