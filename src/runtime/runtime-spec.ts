/**
 * Spec fields of the agent runtime: per-agent (`prompt`, `durable`, `instances`, `budget_usd`) and
 * the top-level `runtime:` section (when and how Restate runs). Spread into `AgentSchema` and
 * `SpecSchema` by src/spec/schema.ts.
 */
import { z } from 'zod';
import { BudgetRuleSchema, type BudgetRuleSpec as BudgetRule } from '../guardrails/budgets/budget-spec.js';

/** A prompt agent: the model it uses and how it is instructed. */
export const AgentPromptSchema = z
  .object({
    model: z.string().min(1).describe('a declared model or alias, e.g. `small`'),
    system: z.string().default('').describe('system prompt'),
    tools: z.array(z.string().min(1)).optional().describe('tool names the agent may call (see `tools:`)'),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
  })
  .strict();

/** Declared instance bounds of an agent (placement and the mesh registry use them). */
export const AgentInstancesSchema = z
  .object({ min: z.number().int().nonnegative().default(1), max: z.number().int().positive().default(1) })
  .strict()
  .refine((i) => i.max >= i.min, { message: 'instances.max must be at least instances.min' });

/** The runtime fields of an agent, spread into `AgentSchema`. */
export const AgentRuntimeFields = {
  prompt: AgentPromptSchema.optional().describe('makes this a prompt agent run by daca (model, system prompt, tools)'),
  durable: z.boolean().default(false).describe('run turns durably on Restate (state survives restarts); false: in-process fast path'),
  instances: AgentInstancesSchema.optional().describe('min/max instances of this agent'),
  budget_usd: z.number().nonnegative().max(1e9).optional().describe('monthly hard spending limit of this agent (US dollars)'),
};

/** Where Restate comes from. */
export const RuntimeSpecSchema = z
  .object({
    restate: z
      .enum(['auto', 'always', 'off'])
      .default('auto')
      .describe('auto: start restate-server only when a durable agent or workflow exists; always; off'),
    restate_url: z
      .string()
      .optional()
      .describe('an existing Restate cluster: `admin=http://host:9070,ingress=http://host:8080` (DACA_RESTATE_URL wins)'),
    ports: z
      .object({
        ingress: z.number().int().min(0).max(65535).default(0),
        admin: z.number().int().min(0).max(65535).default(0),
        node: z.number().int().min(0).max(65535).default(0),
        endpoint: z.number().int().min(0).max(65535).default(0),
      })
      .strict()
      .default({ ingress: 0, admin: 0, node: 0, endpoint: 0 })
      .describe('ports of the spawned restate-server and of daca\'s service endpoint (0: a free port)'),
    rocksdb_memory_mb: z.number().int().min(64).default(256).describe('caps restate-server\'s RocksDB memory (its default is 2 GiB)'),
    partitions: z.number().int().min(1).max(1024).default(4).describe('partitions of a new embedded Restate cluster'),
    endpoint_host: z.string().default('127.0.0.1').describe('host restate-server uses to reach daca\'s service endpoint'),
  })
  .strict();

/** The parsed `runtime:` section. */
export type RuntimeSpec = z.infer<typeof RuntimeSpecSchema>;
/** A prompt agent's `prompt:`. */
export type AgentPromptSpec = z.infer<typeof AgentPromptSchema>;

/** The `runtime:` defaults. */
export const DEFAULT_RUNTIME_SPEC: RuntimeSpec = RuntimeSpecSchema.parse({});

/**
 * The budget rules implied by agents' `budget_usd` (a monthly hard limit per agent), in the shape
 * of the spec's `budgets:` entries. The budget engine enforces them once they are appended to the
 * spec's own rules (`[...spec.budgets, ...agentBudgetRules(spec)]`).
 */
export function agentBudgetRules(spec: { agents: Record<string, { budget_usd?: number | undefined }> }): BudgetRule[] {
  const out: BudgetRule[] = [];
  for (const [agent, a] of Object.entries(spec.agents))
    if (a.budget_usd !== undefined) out.push(BudgetRuleSchema.parse({ scope: 'agent', agent, limit_usd: a.budget_usd, window: 'month' }));
  return out;
}
