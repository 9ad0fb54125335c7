/**
 * The marketplace's daca spec (also at examples/marketplace/daca.yaml): the sim model the
 * negotiators call, the teams agents are attributed to, per-agent budgets, and the compliance
 * rule: settling a deal is the tool call `settle_deal`, whose `amount_usd` above 1,000 violates the
 * tool policy and so needs an approval.
 */
import { parseSpecText, type LoadedSpec } from '../../spec/loader.js';
import type { Spec } from '../../spec/schema.js';

/** The spec text. */
export const MARKET_SPEC_YAML = `# daca spec of the marketplace demo (daca demo marketplace).
version: 1
server:
  dev_key: false
  usage_flush_ms: 500
  usage_batch_size: 2000
providers:
  sim: { kind: sim, seed: 7, ttft_ms: 0, tokens_per_second: 0 }
models:
  negotiator-small: { provider: sim, capability: 0.75, price: { input: 0.15, output: 0.60 } }
aliases:
  negotiator: negotiator-small
tenants:
  market: { name: Marketplace }
teams:
  buyers: { tenant: market }
  sellers: { tenant: market }
  mediators: { tenant: market }
  compliance: { tenant: market }
# Every buyer and seller agent (buyer-17, seller-3, ...) has its own model budget; when it is spent
# the agent's moves fall back to rules.
budgets:
  - { scope: agent, team: buyers, limit_usd: 0.0001 }
  - { scope: agent, team: sellers, limit_usd: 0.0002 }
  - { scope: team, team: buyers, limit_usd: 5 }
  - { scope: team, team: sellers, limit_usd: 5 }
  - { scope: tenant, tenant: market, limit_usd: 20 }
# Compliance: settling a deal is the tool call settle_deal; above 1,000 USD it needs an approval.
tools:
  market-settlement:
    agents: ["*"]
    on_violation: approval
    allow:
      settle_deal:
        parameters:
          type: object
          properties:
            amount_usd: { type: number, minimum: 0, maximum: 1000 }
            qty: { type: integer, minimum: 1 }
          required: [amount_usd, qty]
approvals:
  expire_after: 15m
audit:
  flush_ms: 200
`;

/**
 * The market spec, parsed.
 * @example
 * ```ts
 * const spec = loadMarketSpec();
 * approvalThresholdMicros(spec.spec); // 1_000_000_000
 * ```
 */
export function loadMarketSpec(): LoadedSpec {
  return parseSpecText(MARKET_SPEC_YAML, '(marketplace spec)', {});
}

/**
 * The deal size above which settlement needs an approval, read from the spec's `settle_deal`
 * tool schema (`amount_usd.maximum`); `Number.MAX_SAFE_INTEGER` when the spec sets none.
 */
export function approvalThresholdMicros(spec: Pick<Spec, 'tools'>): number {
  for (const p of Object.values(spec.tools)) {
    const params = p.allow.settle_deal?.parameters as { properties?: { amount_usd?: { maximum?: unknown } } } | undefined;
    const max = params?.properties?.amount_usd?.maximum;
    if (typeof max === 'number') return Math.round(max * 1_000_000);
  }
  return Number.MAX_SAFE_INTEGER;
}
