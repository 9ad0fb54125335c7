/**
 * The `budgets:` section of `daca.yaml`: hard and soft spending limits in USD.
 *
 * Each entry limits one scope (a session, an agent, a team, a tenant or a key) over a UTC window
 * (`day`, `month` or `total`). Without a subject (`agent: triage`) the entry applies to every
 * subject of its scope separately; `tenant` / `team` / `agent` on an entry of a wider or narrower
 * scope filter which calls it covers. The most specific matching entry per scope and window wins.
 *
 * @example
 * ```yaml
 * budgets:
 *   - { scope: session, limit_usd: 10 }                       # every session: $10 in total
 *   - { scope: agent, agent: triage, limit_usd: 100, window: day }
 *   - { scope: team, team: support, limit_usd: 2000, window: month, soft_usd: 1500 }
 *   - { scope: tenant, tenant: acme, limit_usd: 50000, window: month, hard: false }  # alert only
 *   - scope: agent
 *     agent: writer
 *     limit_usd: 20
 *     window: day
 *     downgrade: { at_percent: 90, to: small }                # route to a cheaper model near the end
 * ```
 */
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, 'expected a name: letters, digits and . _ : @ / - (at most 128)');
const usd = z.number().nonnegative().max(1e9).describe('US dollars');

/** The scopes a budget can limit. */
export const BUDGET_SCOPES = ['session', 'agent', 'team', 'tenant', 'key'] as const;
/** A budget scope. */
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

/** The windows a budget counts over (UTC calendar day or month, or all time). */
export const BUDGET_WINDOWS = ['day', 'month', 'total'] as const;
/** A budget window. */
export type BudgetWindow = (typeof BUDGET_WINDOWS)[number];

/** One budget entry. */
export const BudgetRuleSchema = z
  .object({
    scope: z.enum(BUDGET_SCOPES).describe('what is limited: each session, agent, team, tenant or key'),
    tenant: name.optional().describe('only calls of this tenant (the subject when scope is tenant)'),
    team: name.optional().describe('only calls of this team (the subject when scope is team)'),
    agent: name.optional().describe('only calls of this agent (the subject when scope is agent)'),
    key: name.optional().describe('only calls with this key id (the subject when scope is key)'),
    limit_usd: usd.describe('the limit; a hard limit rejects calls that would exceed it (402)'),
    window: z.enum(BUDGET_WINDOWS).default('total').describe('UTC day, UTC month, or all time'),
    hard: z.boolean().default(true).describe('false: limit_usd only alerts, calls are never rejected'),
    soft_usd: usd.optional().describe('alert (no rejection) once spend reaches this amount'),
    alert_at_percent: z.array(z.number().positive().max(100)).default([80, 100]).describe('alert when spend crosses these percentages of limit_usd'),
    downgrade: z
      .object({
        at_percent: z.number().positive().max(100).describe('from this share of limit_usd on'),
        to: z.string().min(1).describe('a declared model or alias to use instead'),
      })
      .strict()
      .optional()
      .describe('near exhaustion, ask the gateway to use a cheaper model'),
  })
  .strict()
  .refine((b) => b.soft_usd === undefined || b.soft_usd <= b.limit_usd, { message: 'soft_usd must not exceed limit_usd', path: ['soft_usd'] });

/** The `budgets:` section. */
export const BudgetsSchema = z.array(BudgetRuleSchema).describe('spending limits per session, agent, team, tenant or key');

/** One parsed budget entry. */
export type BudgetRuleSpec = z.infer<typeof BudgetRuleSchema>;
