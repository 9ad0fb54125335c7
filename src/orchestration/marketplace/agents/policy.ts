/**
 * The policy agent: decides the approvals that large deals need (the spec's compliance rule),
 * automatically, by policy: the unit price must be within [0.5×, 2×] the SKU's reference price
 * and the buyer must be able to pay. Each decision is recorded on the approval (visible in
 * `daca approvals list`) and in the audit ledger with its reasons.
 */
import { defineAgent } from '../../../runtime/define-agent.js';
import type { MarketEnv } from '../market-env.js';
import { unwrap } from '../messages.js';

/** The policy agent type for market `env`. */
export function policyAgent(env: MarketEnv) {
  const ref = new Map(env.scenario.skus.map((s) => [s.id, s.refMicros]));
  return defineAgent<Record<string, never>>({
    name: 'policy',
    description: 'Approves or rejects large deals by policy.',
    skills: ['approve deals'],
    state: {},
    handlers: {
      async onMessage(ctx, message) {
        const m = unwrap(message);
        if (!m || m.t !== 'review') return;
        const me = `policy-${ctx.id}`;
        const r = ref.get(m.sku) ?? m.unitPrice;
        const reasons: string[] = [];
        if (m.unitPrice < r * 0.5 || m.unitPrice > r * 2) reasons.push(`unit price $${(m.unitPrice / 1e6).toFixed(2)} is outside 0.5-2x the reference $${(r / 1e6).toFixed(2)}`);
        let cash: number;
        try {
          cash = await env.ledger.balance(m.buyer, 'usd');
        } catch (e) {
          env.transient(e);
          return; // the mediator asks again
        }
        if (cash < m.amount) reasons.push(`${m.buyer} holds $${(cash / 1e6).toFixed(2)}, less than $${(m.amount / 1e6).toFixed(2)}`);
        const approve = reasons.length === 0;
        const note = approve ? `price within policy, ${m.buyer} can pay` : reasons.join('; ');
        let d;
        try {
          d = await env.decideApproval(m.approvalId, approve, note);
        } catch (e) {
          env.transient(e);
          return;
        }
        env.audit('approval', m.deal, me, { approvalId: m.approvalId, amount: m.amount, unitPrice: m.unitPrice, buyer: m.buyer, seller: m.seller, sku: m.sku, qty: m.qty }, note, d.approved);
        env.send(me, m.mediator, { t: 'decision', deal: m.deal, attempt: m.attempt, approvalId: m.approvalId, approved: d.approved, by: d.by, note: d.note });
      },
    },
  });
}
