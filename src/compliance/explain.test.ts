import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { explainRequest } from './explain.js';
import { requestEntry, sqliteLedger } from './test-support.js';

type Env = Awaited<ReturnType<typeof sqliteLedger>>;
let env: Env | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe('explainRequest', () => {
  it('explains an allowed request with its route and cost', async () => {
    env = await sqliteLedger({ flushMs: 5 });
    env.ledger.append(requestEntry(1, { ts: Date.parse('2026-11-26T10:00:00Z') }));
    await env.ledger.flush();
    const ex = await explainRequest(env.ledger.db, 'req_1');
    expect(ex.verdict).toBe('allowed');
    expect(ex.summary).toBe(
      'Request req_1 by agent support-bot (tenant acme, key key_1) at 2026-11-26T10:00:00.000Z was allowed because no policy, guardrail, budget or limit objected. ' +
        'It was routed to model small on sim. It cost $0.000042.',
    );
  });

  it('combines guardrail and approval records: the most severe decision wins and names its reasons', async () => {
    env = await sqliteLedger({ flushMs: 5 });
    const refs = { requestId: 'req_9', session: 'case-1', traceId: 't9' };
    env.ledger.append(requestEntry(9, { refs, decision: { action: 'allowed', route: { requestedModel: 'fast', model: 'small', provider: 'sim', via: ['alias'] } } }));
    env.ledger.append({ kind: 'guardrail_verdict', tenant: 'acme', actor: { kind: 'system', id: 'guardrails' }, agent: 'support-bot', refs, decision: { action: 'modified', reasons: [{ source: 'guardrail', name: 'pii', effect: 'modify', detail: 'redacted 1 email address' }] }, detail: { stage: 'input' } });
    env.ledger.append({ kind: 'approval_decision', tenant: 'acme', actor: { kind: 'human', id: 'lead@acme' }, refs, decision: { action: 'approval_required', reasons: [{ source: 'approval', name: 'refunds-over-100', effect: 'approval' }], approval: { id: 'apr_1', status: 'approved', by: 'lead@acme' } } });
    await env.ledger.flush();
    const ex = await explainRequest(env.ledger.db, 'req_9');
    expect(ex.verdict).toBe('approval_required');
    expect(ex.approval).toEqual({ id: 'apr_1', status: 'approved', by: 'lead@acme' });
    expect(ex.summary).toContain("because guardrail 'pii' changed it (redacted 1 email address); approval 'refunds-over-100' required an approval");
    expect(ex.summary).toContain('It was routed to model small on sim (asked for fast) via alias.');
    expect(ex.steps.map((s) => s.kind)).toEqual(['gateway_request', 'guardrail_verdict', 'approval_decision']);
    expect(ex.steps[1]!.text).toBe("A guardrail modified the input: guardrail 'pii' changed it (redacted 1 email address).");
  });

  it('throws NotFoundError for an unknown request', async () => {
    env = await sqliteLedger();
    await expect(explainRequest(env.ledger.db, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
