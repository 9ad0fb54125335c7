/**
 * The routing policies an agent's `routing:` declares: `fixed` (always the first model),
 * `cascade` (the first model, verified, escalating along the list) and `router` (spec rules, then
 * the learned policy, then the default), plus the budget-aware downgrade that overrides them.
 */
import type { RouteRule } from '../cost-spec.js';
import { featureKeys, requestFeatures, type RequestFeatures } from './features.js';
import type { LearnedPolicy } from './learned-policy.js';
import type { DowngradeCause, RoutingContext, RoutingDecision, RoutingPolicy } from './routing-types.js';

function ladderAfter(models: readonly string[], model: string, verify: boolean): string[] {
  if (!verify) return [];
  const i = models.indexOf(model);
  return i < 0 ? [] : models.slice(i + 1);
}

/** Always the first model, never escalated. */
export class FixedPolicy implements RoutingPolicy {
  readonly name = 'fixed' as const;
  constructor(private readonly model: string) {}
  choose(): RoutingDecision {
    return { model: this.model, reason: `fixed: ${this.model}`, policy: 'fixed', verify: false, escalateTo: [] };
  }
}

/** The cheapest model first, verified, escalating to the next on rejection. */
export class CascadePolicy implements RoutingPolicy {
  readonly name = 'cascade' as const;
  constructor(private readonly models: readonly string[]) {}
  choose(): RoutingDecision {
    const [first, ...rest] = this.models as [string, ...string[]];
    return { model: first, reason: `cascade: start at ${first}`, policy: 'cascade', verify: rest.length > 0, escalateTo: rest };
  }
}

function ruleMatches(rule: RouteRule, f: RequestFeatures, tags: Readonly<Record<string, string>>): boolean {
  const w = rule.when;
  if (w.task !== undefined && !(Array.isArray(w.task) ? w.task.includes(f.task) : w.task === f.task)) return false;
  if (w.min_prompt_tokens !== undefined && f.promptTokens < w.min_prompt_tokens) return false;
  if (w.max_prompt_tokens !== undefined && f.promptTokens > w.max_prompt_tokens) return false;
  if (w.tools !== undefined && w.tools !== f.tools) return false;
  if (w.json !== undefined && w.json !== f.json) return false;
  if (w.tags) for (const [k, v] of Object.entries(w.tags)) if (tags[k] !== v) return false;
  return true;
}

function describeRule(rule: RouteRule): string {
  return Object.entries(rule.when)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(',');
}

/** Options of {@link RouterPolicy}. */
export interface RouterPolicyOptions {
  /** Candidates, cheapest first (the escalation ladder of verified routes). */
  models: readonly string[];
  rules: readonly RouteRule[];
  learned?: LearnedPolicy | null;
  /** The model when nothing matches. */
  fallback: string;
}

/** Spec rules first, then the learned policy (most specific feature key first), then the default. */
export class RouterPolicy implements RoutingPolicy {
  readonly name = 'router' as const;
  constructor(private readonly opts: RouterPolicyOptions) {}

  choose(ctx: RoutingContext): RoutingDecision {
    const { models } = this.opts;
    const f = requestFeatures(ctx);
    for (const [i, rule] of this.opts.rules.entries()) {
      if (!ruleMatches(rule, f, ctx.tags)) continue;
      return { model: rule.model, reason: `router rule ${i + 1} (${describeRule(rule)}) → ${rule.model}${rule.verify ? ', verified' : ''}`, policy: 'router', verify: rule.verify, escalateTo: ladderAfter(models, rule.model, rule.verify) };
    }
    const learned = this.opts.learned;
    if (learned) {
      for (const key of featureKeys(f)) {
        const r = learned.routes[key];
        if (!r) continue;
        return { model: r.model, reason: `learned ${key} → ${r.model}${r.verify ? ', verified' : ''} (${r.reason})`, policy: 'router', verify: r.verify, escalateTo: ladderAfter(models, r.model, r.verify) };
      }
    }
    return { model: this.opts.fallback, reason: `router default → ${this.opts.fallback}`, policy: 'router', verify: false, escalateTo: [] };
  }
}

/**
 * Applies a downgrade to a decision: when a budget nearing its limit (or, with `cause`, a spend
 * goal) asks for a cheaper model, that model answers and nothing escalates past it.
 *
 * @example
 * ```ts
 * withBudgetDowngrade(policy.choose(ctx), admission.switchTo, admission.switchCause);
 * ```
 */
export function withBudgetDowngrade(d: RoutingDecision, downgradeTo: string | null | undefined, cause?: DowngradeCause | null): RoutingDecision {
  if (!downgradeTo || downgradeTo === d.model && !d.escalateTo.length) return d;
  const was = `(was ${d.model}${d.policy === 'none' ? '' : `, ${d.policy}`})`;
  return { model: downgradeTo, reason: `${cause?.reason ?? 'budget near its limit'}: downgraded to ${downgradeTo} ${was}`, policy: cause?.policy ?? 'budget', verify: false, escalateTo: [] };
}

/** No routing: the requested model. */
export const NO_ROUTING: RoutingPolicy = {
  name: 'none',
  choose: (ctx) => ({ model: ctx.requestedModel, reason: 'requested model', policy: 'none', verify: false, escalateTo: [] }),
};
