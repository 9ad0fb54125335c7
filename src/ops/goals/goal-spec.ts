/**
 * The spec's `goals:` section: objectives with measurable targets that the goal controller keeps
 * (src/ops/goals/goal-runner.ts in a node, the week simulations in src/ops/week/), next to the
 * constraints the spec already holds (budgets, approvals, rate limits). Each goal names a metric, a
 * target, the window it is measured over, a scope, and the actions the controller may take for it.
 * When no allowed action can bring a goal back inside its limits, the controller asks a person:
 * one alert and one approval request (`escalate: true`, the default).
 *
 * On a live node two actions act, both for `cost_per_day_usd` goals, cheaper work before paused
 * work: `downgrade_model` — from `downgrade.at_percent` (default 80) of the target, the UTC day's
 * spend in the goal's scope, chat calls in that scope are answered by `downgrade.to` (a declared
 * chat model or alias) instead of the model they ask for when that one is dearer, until the UTC
 * day ends or the goal leaves the spec (recorded as `downgrade`, then `restore`); and `defer` —
 * from `defer.at_percent` (default 90), `defer.agents` are paused until the UTC day ends. The other
 * actions act in the simulated weeks (src/ops/week/).
 *
 * ```yaml
 * goals:
 *   support_latency:
 *     metric: ticket_resolution_p95_s     # see GOAL_METRICS; the metric decides the direction
 *     target: 7200                        # at most 2 hours
 *     window: 4h
 *     scope: { team: support }
 *     actions: [spawn, reap, concurrency]
 *     scale: { agent: support-agent, min: 4, max: 40, per_agent_hour: 3 }
 *   daily_spend:
 *     metric: cost_per_day_usd            # the current UTC day's model spend
 *     target: 500
 *     scope: { tenant: acme }
 *     actions: [downgrade_model, defer]
 *     downgrade: { to: small }                              # from 80%: calls answered by `small`
 *     defer: { at_percent: 90, agents: [nightly-report] }   # paused until the day ends
 * ```
 */
import { z } from 'zod';
import { parseApprovalDuration } from '../../guardrails/approvals/duration.js';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, 'expected a name: letters, digits and . _ : @ / - (at most 128)');

/** A duration: ms as a number, or a string like `2h`, parsed to ms. */
const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : parseApprovalDuration(v);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 15m, 2h or 1d (got '${v}')` });
    return z.NEVER;
  }
  return Math.round(ms);
});

/** Whether a metric's value must stay at least or at most its target. */
export type GoalDirection = 'at_least' | 'at_most';

/** The metrics a goal can target, with their direction and unit. */
export const GOAL_METRICS = {
  trade_completion_rate: { direction: 'at_least', unit: 'share', about: 'share of feasible trades settled within `within`' },
  ticket_resolution_p95_s: { direction: 'at_most', unit: 's', about: 'p95 seconds from a ticket opening to its resolution' },
  satisfaction_rate: { direction: 'at_least', unit: 'share', about: 'share of resolved tickets the customer was satisfied with' },
  cost_per_day_usd: { direction: 'at_most', unit: 'usd', about: 'model spend of the current UTC day' },
  success_rate: { direction: 'at_least', unit: 'share', about: 'share of gateway requests that succeeded over `window`' },
  latency_p95_ms: { direction: 'at_most', unit: 'ms', about: 'p95 gateway latency of successful requests over `window`' },
  queue_depth: { direction: 'at_most', unit: 'items', about: 'work waiting: pending approvals (node), queued needs or tickets (simulations)' },
} as const satisfies Record<string, { direction: GoalDirection; unit: string; about: string }>;

/** A goal metric. */
export type GoalMetric = keyof typeof GOAL_METRICS;

/** The actions a goal may allow the controller. */
export const GOAL_ACTIONS = ['spawn', 'reap', 'downgrade_model', 'defer', 'concurrency', 'failover'] as const;
/** A goal action. */
export type GoalAction = (typeof GOAL_ACTIONS)[number];

/** One goal. */
export const GoalSchema = z
  .object({
    description: z.string().optional(),
    metric: z.enum(Object.keys(GOAL_METRICS) as [GoalMetric, ...GoalMetric[]]).describe('what is measured (see GOAL_METRICS)'),
    target: z.number().nonnegative().max(1e12).describe('shares in [0, 1]; seconds, ms, USD or items otherwise'),
    within: duration.optional().describe('trade_completion_rate: a trade counts when settled within this (e.g. 10m)'),
    window: duration.default(3_600_000).describe('the period the metric is measured over (e.g. 2h); cost_per_day_usd always counts the UTC day'),
    scope: z
      .object({ tenant: name.optional(), team: name.optional(), agent: name.optional() })
      .strict()
      .default({})
      .describe('whose work counts (default: the whole node)'),
    actions: z.array(z.enum(GOAL_ACTIONS)).default([]).describe('what the controller may do to keep the goal'),
    scale: z
      .object({
        agent: name.describe('the agent type spawned and reaped'),
        min: z.number().int().nonnegative(),
        max: z.number().int().positive(),
        per_agent_hour: z.number().positive().optional().describe('work one agent does per hour (sizes the pool from demand)'),
      })
      .strict()
      .refine((s) => s.max >= s.min, { message: 'scale.max must be at least scale.min', path: ['max'] })
      .optional()
      .describe('spawn / reap: which agents, between which counts'),
    defer: z
      .object({
        at_percent: z.number().positive().max(100).default(90).describe('defer non-urgent work from this share of the target on'),
        agents: z.array(name).default([]).describe('non-urgent agents paused (kill switch) until the UTC day ends'),
        max_model_share: z.number().min(0).max(1).default(1).describe('simulations: the most model work resumes to'),
      })
      .strict()
      .optional(),
    downgrade: z
      .object({
        to: z.string().min(1).describe('a declared chat model or alias'),
        at_percent: z.number().positive().max(100).default(80).describe('cost goals: chat calls in scope are answered by `to` from this share of the target on, until the UTC day ends'),
      })
      .strict()
      .optional()
      .describe('downgrade_model: the cheaper model'),
    concurrency: z
      .object({ min: z.number().int().positive(), max: z.number().int().positive() })
      .strict()
      .refine((c) => c.max >= c.min, { message: 'concurrency.max must be at least concurrency.min', path: ['max'] })
      .optional()
      .describe('concurrency: work items one agent handles at once'),
    escalate: z.boolean().default(true).describe('when the goal cannot be met inside its limits: one alert and one approval request'),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (GOAL_METRICS[g.metric].unit === 'share' && g.target > 1)
      ctx.addIssue({ code: 'custom', path: ['target'], message: `${g.metric} is a share: the target must be between 0 and 1 (got ${g.target}); write 0.95 for 95%` });
    const need = (action: GoalAction, field: 'scale' | 'downgrade' | 'concurrency', example: string): void => {
      if (g.actions.includes(action) && g[field] === undefined)
        ctx.addIssue({ code: 'custom', path: ['actions'], message: `action '${action}' needs \`${field}:\` (e.g. ${field}: ${example})` });
    };
    need('spawn', 'scale', '{ agent: worker, min: 2, max: 20 }');
    need('reap', 'scale', '{ agent: worker, min: 2, max: 20 }');
    need('downgrade_model', 'downgrade', '{ to: small }');
    need('concurrency', 'concurrency', '{ min: 1, max: 4 }');
    if (g.metric === 'trade_completion_rate' && g.within === undefined)
      ctx.addIssue({ code: 'custom', path: ['metric'], message: 'trade_completion_rate needs `within:` (e.g. within: 10m)' });
  });

/** The `goals:` section: goal id → goal. */
export const GoalsSchema = z.record(name, GoalSchema);

/** One parsed goal. */
export type GoalSpec = z.infer<typeof GoalSchema>;
/** The parsed `goals:` section. */
export type GoalsSpec = z.infer<typeof GoalsSchema>;

/** Whether `value` meets a goal's target. */
export function goalMet(g: Pick<GoalSpec, 'metric' | 'target'>, value: number): boolean {
  return GOAL_METRICS[g.metric].direction === 'at_least' ? value >= g.target : value <= g.target;
}

/** A metric value for people (`95.0%`, `$0.1040`, `340`). */
export function formatGoalValue(metric: GoalMetric, v: number): string {
  switch (GOAL_METRICS[metric].unit) {
    case 'share': return `${(v * 100).toFixed(1)}%`;
    case 'usd': return `$${v.toFixed(4)}`;
    case 's': return `${Math.round(v)} s`;
    case 'ms': return `${Math.round(v)} ms`;
    default: return String(Math.round(v * 100) / 100);
  }
}

type Issue = { code: 'custom'; path: (string | number)[]; message: string };

/** Cross-references of the goals (scope teams and tenants, downgrade models), reported at their lines. */
export function checkGoals(
  goals: GoalsSpec,
  spec: { tenants: Record<string, unknown>; teams: Record<string, unknown>; models: Record<string, { type: 'chat' | 'embedding' }>; aliases: Record<string, string> },
  addIssue: (i: Issue) => void,
): void {
  for (const [id, g] of Object.entries(goals)) {
    if (g.scope.tenant && !spec.tenants[g.scope.tenant])
      addIssue({ code: 'custom', path: ['goals', id, 'scope', 'tenant'], message: `unknown tenant '${g.scope.tenant}'; declared tenants: ${Object.keys(spec.tenants).join(', ') || '(none)'}` });
    if (g.scope.team && !spec.teams[g.scope.team])
      addIssue({ code: 'custom', path: ['goals', id, 'scope', 'team'], message: `unknown team '${g.scope.team}'; declared teams: ${Object.keys(spec.teams).join(', ') || '(none)'}` });
    if (g.downgrade) {
      const model = spec.models[g.downgrade.to] ?? spec.models[spec.aliases[g.downgrade.to] ?? ''];
      if (!model) addIssue({ code: 'custom', path: ['goals', id, 'downgrade', 'to'], message: `'${g.downgrade.to}' is not a declared model or alias` });
      else if (model.type !== 'chat') addIssue({ code: 'custom', path: ['goals', id, 'downgrade', 'to'], message: `'${g.downgrade.to}' is an embedding model; downgrade to a chat model` });
    }
  }
}
