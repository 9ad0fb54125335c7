/**
 * One audit record: who, what, when, its links (request, session, trace), hashes, the decision and
 * the reasons behind it, and — for a request — the explanation `daca audit explain` gives, in
 * plain language and as JSON.
 */
import type { ReactNode } from 'react';
import { qs } from '../api';
import { ApiNote, Badge, Card, Link, Loading, Note, Time } from '../components/ui';
import { money } from '../format';
import { useApi } from '../use-api';
import { actionTone, type AuditRecordView, type ExplanationView } from './audit-api';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** The explanation of a request, from every record it left. */
function Explanation({ requestId }: { requestId: string }) {
  const ex = useApi<ExplanationView>(`/api/audit/explain/${encodeURIComponent(requestId)}`, { live: false });
  if (!ex.data) return ex.loading ? <Loading /> : <ApiNote state={ex} what={`the explanation of ${requestId}`} />;
  const e = ex.data;
  return (
    <Card title={<>Why: request {e.requestId} <Badge tone={actionTone(e.verdict)}>{e.verdict.replace('_', ' ')}</Badge></>}>
      <p data-testid="explain-summary" data-verdict={e.verdict}>
        {e.summary}
      </p>
      <ol className="events" data-testid="explain-steps">
        {e.steps.map((s) => (
          <li key={s.id}>
            <Link to={`audit/${encodeURIComponent(s.id)}`}>#{s.seq}</Link> <Time at={s.ts} /> {s.action ? <Badge tone={actionTone(s.action)}>{s.action.replace('_', ' ')}</Badge> : null} {s.text}
          </li>
        ))}
      </ol>
      <details>
        <summary>As JSON (<code>daca audit explain {e.requestId} --json</code>)</summary>
        <pre className="json" data-testid="explain-json">{JSON.stringify(e, null, 2)}</pre>
      </details>
    </Card>
  );
}

/** The page of one audit record. */
export function AuditRecordPage({ id }: { id: string }) {
  const r = useApi<AuditRecordView>(`/api/audit/records/${encodeURIComponent(id)}`, { live: false });
  if (!r.data) return r.loading ? <Loading /> : <ApiNote state={r} what={`audit record ${id}`} />;
  const x = r.data;
  const d = x.body?.decision;
  return (
    <div className="page" data-testid="page-audit-record" data-seq={x.seq}>
      <Card
        title={
          <span className="crumbs">
            <Link to="audit">Audit</Link> / record #{x.seq} {d ? <Badge tone={actionTone(d.action)}>{d.action.replace('_', ' ')}</Badge> : null}
          </span>
        }
      >
        <dl className="fields" data-testid="record-fields">
          <Field label="Id">
            <span className="mono">{x.id}</span>
          </Field>
          <Field label="Time">
            <Time at={x.ts} /> <span className="muted">{x.time}</span>
          </Field>
          <Field label="Kind">{x.kind.replace(/_/g, ' ')}</Field>
          <Field label="Tenant">{x.tenant}</Field>
          <Field label="Actor">
            {x.actor.kind} {x.actor.id}
          </Field>
          <Field label="Agent">{x.agent ? <Link to={`audit${qs({ agent: x.agent })}`}>{x.agent}</Link> : '–'}</Field>
          <Field label="Session">{x.session ? <Link to={`audit${qs({ session: x.session })}`}>{x.session}</Link> : '–'}</Field>
          <Field label="Request">{x.request_id ? <Link to={`audit${qs({ request: x.request_id })}`}>{x.request_id}</Link> : '–'}</Field>
          <Field label="Trace">{x.trace_id ?? '–'}</Field>
          <Field label="Retention class">{x.class}</Field>
          <Field label="Chain hash">
            <span className="mono wrap">{x.hash}</span>
          </Field>
          <Field label="Body hash">
            <span className="mono wrap">{x.body_hash}</span>
          </Field>
          {x.inputs?.personal ? <Field label="Personal data">encrypted for its data subject</Field> : null}
          {typeof x.body?.cost_micros === 'number' ? <Field label="Cost">{money(x.body.cost_micros / 1e6)}</Field> : null}
        </dl>
      </Card>
      {!x.body ? <Note>This record's payload was purged past its retention; its hashes still hold its place in the chain.</Note> : null}
      {d ? (
        <Card title="Decision">
          {d.summary ? <p data-testid="decision-summary">{d.summary}</p> : null}
          {d.reasons?.length ? (
            <ul className="events" data-testid="decision-reasons">
              {d.reasons.map((re, i) => (
                <li key={i}>
                  <Badge tone={re.effect === 'block' ? 'bad' : re.effect === 'allow' ? 'ok' : re.effect === 'info' ? 'muted' : 'warn'}>{re.effect}</Badge> {re.source} <strong>{re.name}</strong>
                  {re.detail ? <span className="muted"> — {re.detail}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {d.route ? (
            <p className="muted">
              route: {d.route.requestedModel ?? '?'} → {d.route.model ?? '?'}
              {d.route.provider ? ` on ${d.route.provider}` : ''}
              {d.route.modelVersion ? `, version ${d.route.modelVersion}` : ''}
              {d.route.via?.length ? ` via ${d.route.via.join(', ')}` : ''}
            </p>
          ) : null}
        </Card>
      ) : null}
      {x.request_id ? <Explanation requestId={x.request_id} /> : null}
      <Card title="Record as stored">
        <details>
          <summary>JSON</summary>
          <pre className="json">{JSON.stringify({ ...x }, null, 2)}</pre>
        </details>
      </Card>
    </div>
  );
}
