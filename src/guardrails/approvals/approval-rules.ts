/**
 * Approval rules compiled from the spec: which contexts need a human, decided without I/O.
 */
import type { Spec } from '../../spec/schema.js';
import type { ApprovalRuleSpec, RiskTier } from './approval-spec.js';
import type { ApprovalContext, ApprovalMatch } from './approval-types.js';

interface CompiledRule {
  id: string;
  agents: ReadonlySet<string> | null;
  costAboveMicros: number | null;
  tools: ReadonlySet<string> | null;
  risk: ReadonlySet<RiskTier> | null;
  guardrails: ReadonlySet<string> | null;
  expireAfterMs: number | undefined;
}

const usd = (micros: number): string => `$${(micros / 1_000_000).toFixed(micros < 10_000 ? 6 : 2)}`;

function compileRule(id: string, r: ApprovalRuleSpec): CompiledRule {
  return {
    id,
    agents: r.agents ? new Set(r.agents) : null,
    costAboveMicros: r.cost_above_usd === undefined ? null : Math.round(r.cost_above_usd * 1_000_000),
    tools: r.tools ? new Set(r.tools) : null,
    risk: r.risk ? new Set(r.risk) : null,
    guardrails: r.guardrails ? new Set(r.guardrails) : null,
    expireAfterMs: r.expire_after,
  };
}

/**
 * The approval rules of a spec. Pre-call rules (no `tools` condition) are checked before the
 * model call; rules with `tools` after it, on the tool calls the model returned.
 *
 * @example
 * ```ts
 * const rules = new ApprovalRules(spec);
 * rules.evaluate({ subject, request, estimatedCostMicros: 800_000 }); // { ruleId: 'big-spend', reason: … }
 * ```
 */
export class ApprovalRules {
  private readonly pre: CompiledRule[] = [];
  private readonly post: CompiledRule[] = [];
  private readonly risk = new Map<string, RiskTier>();

  constructor(spec: Pick<Spec, 'approvals' | 'agents'>) {
    for (const [id, r] of Object.entries(spec.approvals.rules)) (r.tools ? this.post : this.pre).push(compileRule(id, r));
    for (const [id, a] of Object.entries(spec.agents)) if (a.risk) this.risk.set(id, a.risk);
  }

  /** True when no rule exists (callers can skip building a context). */
  get empty(): boolean {
    return this.pre.length === 0 && this.post.length === 0;
  }

  /** True when some rule looks at returned tool calls. */
  get hasToolRules(): boolean {
    return this.post.length > 0;
  }

  /** An agent's risk tier (`low` when undeclared). */
  riskOf(agent: string): RiskTier {
    return this.risk.get(agent) ?? 'low';
  }

  /** The first rule the context matches (spec order), or null. */
  evaluate(ctx: ApprovalContext): ApprovalMatch | null {
    const rules = ctx.toolCalls ? this.post : this.pre;
    for (const r of rules) {
      const why = this.match(r, ctx);
      if (why) return { ruleId: r.id, reason: `${why} (approval rule '${r.id}')`, expireAfterMs: r.expireAfterMs };
    }
    return null;
  }

  private match(r: CompiledRule, ctx: ApprovalContext): string | null {
    const agent = ctx.subject.agent;
    if (r.agents && !r.agents.has(agent)) return null;
    const why: string[] = [];
    if (r.costAboveMicros !== null) {
      const c = ctx.estimatedCostMicros;
      if (c === undefined || c <= r.costAboveMicros) return null;
      why.push(`estimated cost ${usd(c)} exceeds ${usd(r.costAboveMicros)}`);
    }
    if (r.risk) {
      const tier = this.riskOf(agent);
      if (!r.risk.has(tier)) return null;
      why.push(`agent '${agent}' has risk tier ${tier}`);
    }
    if (r.guardrails) {
      const flag = ctx.guardrailFlags?.find((f) => r.guardrails!.has('*') || r.guardrails!.has(f.guardrail));
      if (!flag) return null;
      why.push(`guardrail '${flag.guardrail}' asked for approval: ${flag.reason}`);
    }
    if (r.tools) {
      const call = ctx.toolCalls?.find((c) => r.tools!.has(c.function.name));
      if (!call) return null;
      why.push(`the model called tool '${call.function.name}'`);
    }
    return why.join('; ');
  }
}
