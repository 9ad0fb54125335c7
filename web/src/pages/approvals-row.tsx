/**
 * One approval as a table row: what was asked and why, by which agent on which model, its
 * estimated cost and age, and either the approve/reject controls (pending) or the decision.
 */
import { useState, type CSSProperties } from 'react';
import { Badge, Link, Time } from '../components/ui';
import { money, relative, toMs } from '../format';
import { requestExcerpt, type ApprovalView } from './approvals-api';

/** Inputs share the look of the header's select and search fields. */
const FIELD: CSSProperties = { font: 'inherit', color: 'var(--text)', background: 'var(--card)', border: '1px solid var(--border)', borderRadius: 8, padding: '6px 10px' };
const BUTTON: CSSProperties = { padding: '6px 12px' };
const NOWRAP: CSSProperties = { whiteSpace: 'nowrap' };

const TONE = { pending: 'warn', approved: 'ok', rejected: 'bad', expired: 'muted' } as const;

/** The decision a row asks for. */
export type Decide = (a: ApprovalView, decision: 'approve' | 'reject', note: string) => Promise<boolean>;

function Decision({ a, decide }: { a: ApprovalView; decide: Decide }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (d: 'approve' | 'reject'): Promise<void> => {
    setBusy(true);
    const done = await decide(a, d, note.trim());
    setBusy(false);
    if (done) setNote('');
  };
  return (
    <div style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
      <input type="text" style={{ ...FIELD, width: 170 }} placeholder="Note (optional)" aria-label={`Note for ${a.id}`} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      <button type="button" className="primary" style={BUTTON} disabled={busy} onClick={() => void run('approve')}>
        Approve
      </button>
      <button type="button" className="ghost" style={{ ...BUTTON, color: 'var(--bad)' }} disabled={busy} onClick={() => void run('reject')}>
        Reject
      </button>
    </div>
  );
}

function Outcome({ a }: { a: ApprovalView }) {
  return (
    <div>
      <Badge tone={TONE[a.status]}>{a.status}</Badge> <span className="muted">by</span> <strong>{a.decided_by ?? '–'}</strong>
      {a.decided_at ? <div className="sub">{relative(toMs(a.decided_at) ?? 0)}{a.used_at ? ' · used by the agent' : a.status === 'approved' ? ' · not used yet' : ''}</div> : null}
      {a.note ? <div className="sub" style={{ maxWidth: 260 }}>“{a.note}”</div> : null}
    </div>
  );
}

/** A row of the approvals table. */
export function ApprovalRow({ a, decide }: { a: ApprovalView; decide: Decide }) {
  const excerpt = requestExcerpt(a);
  const expires = toMs(a.expires_at);
  return (
    <tr data-approval={a.id} data-status={a.status}>
      <td style={{ whiteSpace: 'normal', minWidth: 260 }}>
        <strong data-col="reason">{a.reason}</strong>
        <div className="sub">
          rule <code>{a.rule}</code> · <span className="mono">{a.id}</span>
        </div>
        {excerpt ? <div className="sub">“{excerpt}”</div> : null}
        {a.tool_calls.map((t) => (
          <div key={t.id} className="sub">
            tool call <code>{t.function.name}({t.function.arguments})</code>
          </div>
        ))}
      </td>
      <td data-col="agent">
        <Link to={`agents/${encodeURIComponent(a.agent)}`}>{a.agent}</Link>
        <div className="sub" style={NOWRAP}>
          {a.team} · {a.tenant}
        </div>
      </td>
      <td data-col="model">
        <span className="mono">{a.model}</span>
        {a.max_tokens ? <div className="sub" style={NOWRAP}>max_tokens {a.max_tokens.toLocaleString('en-US')}</div> : null}
      </td>
      <td className="num" data-col="cost" data-value={a.estimated_cost_usd ?? ''}>
        {money(a.estimated_cost_usd)}
      </td>
      <td data-col="age">
        <Time at={a.created_at} />
        {a.status === 'pending' && expires ? <div className="sub" style={NOWRAP}>expires {relative(expires)}</div> : null}
      </td>
      <td data-col="decision">{a.status === 'pending' ? <Decision a={a} decide={decide} /> : <Outcome a={a} />}</td>
    </tr>
  );
}
