/**
 * Which rate limits apply to a caller: the spec's `rate_limits:` entries compiled once into
 * limiters, and the choice per key and agent cached, so the hot path is one map lookup.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimitScope, RateLimitRuleSpec } from './limit-spec.js';

/** One scope's limits as they apply to one subject. */
export interface AppliedLimit {
  scope: LimitScope;
  subject: string;
  /** Counter key: `agent:triage`. */
  key: string;
  /** `agent triage`. */
  label: string;
  rule: RateLimitRuleSpec;
  rpm: RateLimiterAbstract | null;
  tpm: RateLimiterAbstract | null;
}

/** The limits of one caller. */
export interface LimitPlan {
  entries: readonly AppliedLimit[];
  hasTokens: boolean;
  hasConcurrency: boolean;
}

/** Builds a limiter allowing `points` per minute, sharing counters under `prefix`. */
export type LimiterFactory = (points: number, prefix: string) => RateLimiterAbstract;

function specificity(r: RateLimitRuleSpec): number {
  return (r.tenant ? 1 : 0) + (r.team ? 1 : 0) + (r.agent ? 1 : 0) + (r.key ? 1 : 0);
}

/**
 * The compiled `rate_limits:` section.
 *
 * @example
 * ```ts
 * const plans = new LimitPlans(spec.rate_limits, (points, prefix) => new RateLimiterMemory({ points, duration: 60, keyPrefix: prefix }));
 * plans.plan('key_1', 'acme', 'support', 'triage').entries;
 * ```
 */
export class LimitPlans {
  private readonly limiters: { rpm: RateLimiterAbstract | null; tpm: RateLimiterAbstract | null }[];
  private readonly cache = new Map<string, LimitPlan>();
  /** A plan with no limits (shared). */
  static readonly EMPTY: LimitPlan = Object.freeze({ entries: [], hasTokens: false, hasConcurrency: false });

  constructor(
    readonly rules: readonly RateLimitRuleSpec[],
    factory: LimiterFactory,
    prefix: string,
  ) {
    this.limiters = rules.map((r) => ({
      rpm: r.rpm !== undefined ? factory(r.rpm, `${prefix}:${r.scope}:rpm`) : null,
      tpm: r.tpm !== undefined ? factory(r.tpm, `${prefix}:${r.scope}:tpm`) : null,
    }));
  }

  /**
   * Limiters that count a scope's subjects (every rule of a scope shares its counters), and
   * whether any rule of the scope limits concurrency.
   */
  limitersOf(scope: string): { rpm: RateLimiterAbstract | null; tpm: RateLimiterAbstract | null; concurrent: boolean } {
    let rpm: RateLimiterAbstract | null = null;
    let tpm: RateLimiterAbstract | null = null;
    let concurrent = false;
    this.rules.forEach((r, i) => {
      if (r.scope !== scope) return;
      rpm ??= this.limiters[i]!.rpm;
      tpm ??= this.limiters[i]!.tpm;
      concurrent ||= r.concurrent !== undefined;
    });
    return { rpm, tpm, concurrent };
  }

  /** The limits of calls with key `keyId` acting as `agent` of `team` in `tenant` (cached). */
  plan(keyId: string, tenant: string, team: string, agent: string): LimitPlan {
    if (this.rules.length === 0) return LimitPlans.EMPTY;
    const ck = `${keyId}\u0000${agent}\u0000${team}\u0000${tenant}`;
    let p = this.cache.get(ck);
    if (p === undefined) {
      p = this.resolve(keyId, tenant, team, agent);
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(ck, p);
    }
    return p;
  }

  private resolve(keyId: string, tenant: string, team: string, agent: string): LimitPlan {
    const best = new Map<LimitScope, number>();
    this.rules.forEach((r, i) => {
      if ((r.tenant && r.tenant !== tenant) || (r.team && r.team !== team) || (r.agent && r.agent !== agent) || (r.key && r.key !== keyId)) return;
      const cur = best.get(r.scope);
      if (cur === undefined || specificity(r) > specificity(this.rules[cur]!)) best.set(r.scope, i);
    });
    if (best.size === 0) return LimitPlans.EMPTY;
    const entries: AppliedLimit[] = [];
    for (const [scope, i] of best) {
      const rule = this.rules[i]!;
      const subject = scope === 'key' ? keyId : scope === 'agent' ? agent : scope === 'team' ? team : tenant;
      entries.push({ scope, subject, key: `${scope}:${subject}`, label: `${scope} ${subject}`, rule, rpm: this.limiters[i]!.rpm, tpm: this.limiters[i]!.tpm });
    }
    return { entries, hasTokens: entries.some((e) => e.tpm !== null), hasConcurrency: entries.some((e) => e.rule.concurrent !== undefined) };
  }
}
