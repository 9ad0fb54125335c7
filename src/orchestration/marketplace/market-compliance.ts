/**
 * The market's compliance desk: the spec's settlement rule (tool policy on `settle_deal`),
 * approvals filed with the node's approval service and decided by the policy agent or by people
 * (relayed back to mediators), and the audit records of deals and approval decisions.
 */
import type { AuditLedger } from '../../compliance/audit-ledger.js';
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import type { ToolPolicy } from '../../guardrails/tools/tool-policy.js';
import type { JsonValue } from '../../runtime/types.js';
import type { MarketEnv } from './market-env.js';
import type { MarketMetrics } from './market-metrics.js';

/** What a `MarketCompliance` works with. */
export interface MarketComplianceDeps {
  /** The market (its id, who approves, messaging, transient-error counting). */
  env: Pick<MarketEnv, 'cfg' | 'approver' | 'send' | 'transient'>;
  engines: { approvals: ApprovalService; tools: ToolPolicy };
  audits: AuditLedger;
  metrics: MarketMetrics;
}

/**
 * Settlement rule, approvals and audit for one market (the `MarketEnv` compliance methods).
 * @example
 * ```ts
 * const desk = new MarketCompliance({ env: market, engines: services.engines, audits, metrics });
 * const reason = desk.approvalNeeded('mediator-0', 2_000_000_000, 3); // null when allowed
 * ```
 */
export class MarketCompliance {
  private readonly humanPending = new Map<string, { deal: string; attempt: number; mediator: string }>();

  constructor(private readonly d: MarketComplianceDeps) {}

  /** See `MarketEnv.approvalNeeded`. */
  approvalNeeded(mediator: string, amount: number, qty: number): string | null {
    const v = this.d.engines.tools.checkResult(mediator, [
      { id: 'settle', type: 'function', function: { name: 'settle_deal', arguments: JSON.stringify({ amount_usd: amount / 1e6, qty }) } },
    ]);
    if (v.action === 'allow') return null;
    return `${v.policy}: ${v.reason}`;
  }

  /** See `MarketEnv.requestApproval`; with people approving, the approval is watched by `relayHumanDecisions`. */
  async requestApproval(mediator: string, deal: string, attempt: number, reason: string, summary: string): Promise<string> {
    const a = await this.d.engines.approvals.request(
      { subject: { keyId: `agent:${mediator}`, tenant: 'market', team: 'mediators', agent: mediator, session: deal }, request: { model: 'settle_deal', messages: [{ role: 'user', content: summary }] } },
      { ruleId: 'tools:market-settlement', reason },
    );
    this.d.metrics.approvalsRequested++;
    if (this.d.env.approver === 'human') this.humanPending.set(a.id, { deal, attempt, mediator });
    return a.id;
  }

  /** See `MarketEnv.decideApproval`. */
  async decideApproval(approvalId: string, approve: boolean, note: string): Promise<{ approved: boolean; by: string; note: string }> {
    const svc = this.d.engines.approvals;
    const metrics = this.d.metrics;
    try {
      const a = await svc.decide(approvalId, { decision: approve ? 'approve' : 'reject', approver: { name: 'policy-agent', keyId: 'agent:policy-0' }, note });
      if (a.status === 'approved') metrics.approvalsApproved++;
      else metrics.approvalsRejected++;
      return { approved: a.status === 'approved', by: a.decidedBy ?? 'policy-agent', note: a.note ?? note };
    } catch (e) {
      if ((e as { code?: string }).code !== 'conflict') throw e;
      const a = await svc.get(approvalId); // decided before (a retried review)
      return { approved: a.status === 'approved', by: a.decidedBy ?? 'unknown', note: a.note ?? '' };
    }
  }

  /** See `MarketEnv.audit`. */
  audit(kind: 'deal' | 'approval', deal: string, actor: string, facts: { [k: string]: JsonValue }, summary: string, approved: boolean): void {
    this.d.audits.append({
      kind: kind === 'deal' ? 'agent_decision' : 'approval_decision',
      tenant: 'market',
      actor: { kind: 'agent', id: actor },
      agent: actor,
      refs: { session: deal },
      decision: {
        action: approved ? (kind === 'deal' ? 'recorded' : 'approved') : 'rejected',
        reasons: [{ source: 'policy', name: kind === 'deal' ? 'market-settlement' : 'deal-approval', effect: approved ? 'allow' : 'block', detail: summary }],
        summary,
      },
      detail: { market: this.d.env.cfg.id, ...facts },
    });
    if (kind === 'deal') this.d.metrics.audited++;
  }

  /** Tells mediators about approvals people decided (`daca approvals approve|reject`, the dashboard). */
  async relayHumanDecisions(): Promise<void> {
    const { env, metrics } = this.d;
    for (const [id, p] of this.humanPending) {
      let a;
      try {
        a = await this.d.engines.approvals.get(id);
      } catch (e) {
        env.transient(e);
        continue;
      }
      if (a.status === 'pending') continue;
      this.humanPending.delete(id);
      if (a.status === 'approved') metrics.approvalsApproved++;
      else metrics.approvalsRejected++;
      this.audit('approval', p.deal, a.decidedBy ?? 'system', { approvalId: id }, a.note ?? a.status, a.status === 'approved');
      env.send('approvals', p.mediator, { t: 'decision', deal: p.deal, attempt: p.attempt, approvalId: id, approved: a.status === 'approved', by: a.decidedBy ?? 'system', note: a.note ?? a.status });
    }
  }
}
