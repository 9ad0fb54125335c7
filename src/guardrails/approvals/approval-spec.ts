/**
 * The `approvals:` section of daca.yaml: when a request needs a human, and for how long a pending
 * approval waits for one.
 *
 * ```yaml
 * agents:
 *   payments-bot: { team: finance, risk: high }
 * approvals:
 *   expire_after: 15m            # pending approvals auto-reject after this (default 15m)
 *   max_wait: 5m                 # longest x-daca-approval-wait honoured
 *   rules:
 *     big-spend:   { cost_above_usd: 0.50 }
 *     money-tools: { tools: [wire_money, issue_refund], expire_after: 5m }
 *     risky:       { risk: [high] }
 *     flagged:     { guardrails: ["*"] }   # a content guardrail with action: approve
 *     finance-big: { agents: [payments-bot], cost_above_usd: 0.05 }
 * ```
 *
 * A rule matches when every condition it states holds. Rules with `tools` are checked against the
 * tool calls the model returns (after the call); all others before the call.
 */
import { z } from 'zod';
import { ApprovalDurationSchema } from './duration.js';

/** An agent's risk tier (`agents.<id>.risk`). */
export const RiskTierSchema = z.enum(['low', 'medium', 'high']);

/** One approval rule. */
export const ApprovalRuleSchema = z
  .object({
    description: z.string().optional(),
    agents: z.array(z.string().min(1)).optional().describe('only these agents (default: every agent)'),
    cost_above_usd: z.number().nonnegative().optional().describe('the estimated cost of the call exceeds this'),
    tools: z.array(z.string().min(1)).min(1).optional().describe('the model called one of these tools'),
    risk: z.array(RiskTierSchema).min(1).optional().describe("the agent's risk tier is one of these"),
    guardrails: z.array(z.string().min(1)).min(1).optional().describe('a content guardrail asked for approval ("*" = any)'),
    expire_after: ApprovalDurationSchema.optional(),
  })
  .strict()
  .refine(
    (r) => r.cost_above_usd !== undefined || r.tools !== undefined || r.risk !== undefined || r.guardrails !== undefined,
    'a rule needs a condition: cost_above_usd, tools, risk or guardrails',
  );

/** The `approvals:` section. */
export const ApprovalsSchema = z
  .object({
    expire_after: ApprovalDurationSchema.default(15 * 60_000).describe('pending approvals auto-reject after this'),
    max_wait: ApprovalDurationSchema.default(5 * 60_000).describe('longest x-daca-approval-wait honoured'),
    poll_ms: z.number().int().positive().default(500).describe('how often a waiting request re-reads the store (decisions on other nodes)'),
    sweep_ms: z.number().int().positive().default(1_000).describe('how often expired approvals are rejected'),
    rules: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected a rule id'), ApprovalRuleSchema).default({}),
  })
  .strict();

/** The approvals section after defaults. */
export type ApprovalsSpec = z.infer<typeof ApprovalsSchema>;
/** One approval rule after defaults. */
export type ApprovalRuleSpec = z.infer<typeof ApprovalRuleSchema>;
/** An agent's risk tier. */
export type RiskTier = z.infer<typeof RiskTierSchema>;
