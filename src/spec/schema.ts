/**
 * The `daca.yaml` schema (zod 4). One source of truth for the spec's shape, defaults and docs.
 *
 * Sections are maps keyed by id (providers, models, tenants, teams, agents, keys) so that
 * `daca plan` can diff them by name. Later capabilities add sections here.
 */
import { z } from 'zod';
import { ROLES } from '../identity/roles.js';
import { AlertsSchema } from '../telemetry/alerts/alert-spec.js';
import { AnomaliesSchema } from '../telemetry/anomalies/anomaly-spec.js';
import { BudgetsSchema } from '../guardrails/budgets/budget-spec.js';
import { GuardrailsSpecSchema } from '../guardrails/content/guardrail-spec.js';
import { RateLimitsSchema } from '../guardrails/limits/limit-spec.js';
import { ApprovalsSchema, RiskTierSchema } from '../guardrails/approvals/approval-spec.js';
import { ToolsSchema } from '../guardrails/tools/tool-spec.js';
import { ModelResilienceFields, ProviderResilienceFields } from '../resilience/resilience-spec.js';
import { AuditSpecSchema } from '../compliance/audit-spec.js';
import { AgentMeshFields, MeshSpecSchema } from '../mesh/mesh-spec.js';
import { AgentRuntimeFields, RuntimeSpecSchema } from '../runtime/runtime-spec.js';
import { AgentCacheSpecSchema, CacheSpecSchema, RoutingSpecSchema } from '../cost/cost-spec.js';
import { GovernanceSpecSchema, RolloutsSpecSchema } from '../governance/governance-spec.js';
import { checkOrchestration, OrchestrationSpecSchema } from '../orchestration/orchestration-spec.js';
import { checkGoals, GoalsSchema } from '../ops/goals/goal-spec.js';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected an id: letters, digits, ".", "_", ":" or "-", at most 128 characters');

/** Prices in USD per 1M tokens. */
export const PriceSchema = z
  .object({
    input: z.number().nonnegative().describe('USD per 1M input tokens'),
    output: z.number().nonnegative().describe('USD per 1M output tokens'),
    cached_input: z.number().nonnegative().optional().describe('USD per 1M cached input tokens (defaults to input)'),
    cache_write: z.number().nonnegative().optional().describe('USD per 1M tokens written to the prompt cache (defaults to input)'),
  })
  .strict();

/** Failure injection of the sim provider; each rate is a probability in [0, 1]. */
export const SimFailuresSchema = z
  .object({
    error_5xx: z.number().min(0).max(1).default(0),
    rate_limit_429: z.number().min(0).max(1).default(0),
    timeout: z.number().min(0).max(1).default(0),
    malformed_stream: z.number().min(0).max(1).default(0),
  })
  .strict();

/** A scripted sim reply: when the last user message matches `match` (a regex), reply with `reply` or a tool call. */
export const SimScriptSchema = z
  .object({
    match: z.string().min(1),
    reply: z.string().optional(),
    tool_call: z.object({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()).default({}) }).strict().optional(),
  })
  .strict()
  .refine((s) => s.reply !== undefined || s.tool_call !== undefined, 'a script needs a reply or a tool_call');

const SimProviderSchema = z
  .object({
    kind: z.literal('sim'),
    seed: z.number().int().default(42),
    ttft_ms: z.number().nonnegative().default(0).describe('simulated time to first token'),
    tokens_per_second: z.number().nonnegative().default(0).describe('simulated output speed; 0 = instant'),
    failures: SimFailuresSchema.default({ error_5xx: 0, rate_limit_429: 0, timeout: 0, malformed_stream: 0 }),
    scripts: z.array(SimScriptSchema).default([]),
    timeout_ms: z.number().int().positive().optional().describe('per-attempt timeout of calls to this provider'),
    ...ProviderResilienceFields,
  })
  .strict();

const HttpProviderBase = {
  base_url: z.url('expected an http(s) URL'),
  api_key: z.string().optional().describe('use ${ENV_VAR} interpolation; never commit secrets'),
  headers: z.record(z.string(), z.string()).default({}),
  timeout_ms: z.number().int().positive().optional(),
  ...ProviderResilienceFields,
};

const OpenAIProviderSchema = z.object({ kind: z.literal('openai'), ...HttpProviderBase }).strict();
const AnthropicProviderSchema = z
  .object({ kind: z.literal('anthropic'), ...HttpProviderBase, version: z.string().default('2023-06-01') })
  .strict();

/** A provider: the built-in simulator, any OpenAI-compatible endpoint, or Anthropic. */
export const ProviderSchema = z.discriminatedUnion('kind', [SimProviderSchema, OpenAIProviderSchema, AnthropicProviderSchema]);

/** A model daca exposes, bound to one provider. */
export const ModelSchema = z
  .object({
    provider: id.describe('a key of `providers`'),
    upstream: z.string().min(1).optional().describe('the provider\'s model id (defaults to the model\'s name)'),
    type: z.enum(['chat', 'embedding']).default('chat'),
    price: PriceSchema.optional().describe('overrides the shipped price table'),
    context_window: z.number().int().positive().optional(),
    max_output_tokens: z.number().int().positive().optional(),
    /** Sim only: capability score in [0,1]; harder tasks fail more often on lower scores. */
    capability: z.number().min(0).max(1).optional(),
    /** Sim only: per-model overrides of the provider's TTFT and speed. */
    ttft_ms: z.number().nonnegative().optional(),
    tokens_per_second: z.number().nonnegative().optional(),
    dimensions: z.number().int().positive().optional().describe('embedding size (sim embeddings)'),
    ...ModelResilienceFields,
  })
  .strict();

/** A tenant: the top-level isolation unit (a company or business unit). */
export const TenantSchema = z.object({ name: z.string().optional() }).strict();

/** A team inside a tenant. */
export const TeamSchema = z.object({ tenant: id, name: z.string().optional() }).strict();

/** An agent inside a team. */
export const AgentSchema = z
  .object({
    team: id,
    role: z.string().optional().describe('peer group for analytics (defaults to the team)'),
    description: z.string().optional(),
    models: z.array(z.string()).optional().describe('models/aliases this agent may use (default: all)'),
    risk: RiskTierSchema.optional().describe('risk tier for approval rules (low, medium, high)'),
    ...AgentMeshFields,
    ...AgentRuntimeFields,
    cache: AgentCacheSpecSchema.optional().describe('opt in/out of the exact and semantic caches'),
    routing: RoutingSpecSchema.optional().describe('cost routing: fixed, cascade or router (see docs/cost.md)'),
  })
  .strict();

/** A virtual key declared in the spec (its secret comes from the environment). */
export const KeySchema = z
  .object({
    value: z.string().min(16, 'a key must have at least 16 characters'),
    tenant: id.optional(),
    team: id.optional(),
    agent: id.optional(),
    role: z.enum(ROLES).default('agent').describe('admin, operator, auditor, approver or agent (docs/access-control.md); a non-agent key without tenant/team/agent is global'),
    models: z.array(z.string()).optional(),
  })
  .strict();

/** Metrics and tracing settings. */
export const TelemetrySchema = z
  .object({
    /** Export prompts and completions as span events (off: they never leave daca in traces). */
    capture_payloads: z.boolean().default(false),
    metrics: z
      .object({
        per_agent_labels: z.boolean().default(false).describe('an `agent` label on request metrics (cardinality grows with agents)'),
        per_team_labels: z.boolean().default(true),
        max_label_values: z.number().int().positive().default(200).describe('values beyond this per label become "other"'),
      })
      .strict()
      .default({ per_agent_labels: false, per_team_labels: true, max_label_values: 200 }),
  })
  .strict();

/** Server-wide settings. */
export const ServerSchema = z
  .object({
    max_body_bytes: z.number().int().positive().default(4 * 1024 * 1024),
    upstream_timeout_ms: z.number().int().positive().default(600_000),
    durability: z.enum(['batched', 'strict']).default('batched'),
    usage_flush_ms: z.number().int().positive().default(200),
    usage_batch_size: z.number().int().positive().default(500),
    /** Accept the printed development key from loopback clients (embedded default only). */
    dev_key: z.boolean().default(true),
    /** Create identities (tenant/team/agent) not declared in the spec when a key names them. */
    allow_undeclared_identities: z.boolean().default(true),
  })
  .strict();

/** The whole `daca.yaml`. */
export const SpecSchema = z
  .object({
    version: z.literal(1).default(1),
    server: ServerSchema.default(ServerSchema.parse({})),
    providers: z.record(id, ProviderSchema).default({}),
    models: z.record(id, ModelSchema).default({}),
    aliases: z.record(id, z.string().min(1)).default({}),
    tenants: z.record(id, TenantSchema).default({}),
    teams: z.record(id, TeamSchema).default({}),
    agents: z.record(id, AgentSchema).default({}),
    keys: z.record(id, KeySchema).default({}),
    guardrails: GuardrailsSpecSchema.optional().describe('content guardrails (PII, secrets, prompt injection, toxicity, deny lists), per agent'),
    budgets: BudgetsSchema.default([]).describe('spending limits per session, agent, team, tenant or key'),
    rate_limits: RateLimitsSchema.default([]).describe('requests/min, tokens/min and concurrency per key, agent, team or tenant'),
    alerts: AlertsSchema.default(AlertsSchema.parse({})).describe('alert rules, webhooks and evaluation interval'),
    anomalies: AnomaliesSchema.default(AnomaliesSchema.parse({})).describe('peer-group anomaly detection settings'),
    telemetry: TelemetrySchema.default(TelemetrySchema.parse({})).describe('Prometheus labels and trace content'),
    audit: AuditSpecSchema.default(AuditSpecSchema.parse({})).describe('audit ledger: batching, checkpoints, content capture, retention'),
    approvals: ApprovalsSchema.default(ApprovalsSchema.parse({})).describe('when a request needs a human approval'),
    tools: ToolsSchema.default({}).describe('per-agent tool allow-lists and argument schemas'),
    mesh: MeshSpecSchema.default(MeshSpecSchema.parse({})).describe('agent mesh: routing, SLOs, call policies, external agents, MCP servers'),
    runtime: RuntimeSpecSchema.default(RuntimeSpecSchema.parse({})).describe('agent runtime: when Restate runs, its URL, ports and memory'),
    cache: CacheSpecSchema.default(CacheSpecSchema.parse({})).describe('exact and semantic response caches'),
    governance: GovernanceSpecSchema.default(GovernanceSpecSchema.parse({})).describe('model versions, aliases per agent group, named agent groups (see docs/governance.md)'),
    rollouts: RolloutsSpecSchema.default(RolloutsSpecSchema.parse({})).describe('canary rollouts: analysis interval, guards, promotion, traffic graders'),
    orchestration: OrchestrationSpecSchema.optional().describe('coordination patterns by agent name: hierarchies, negotiations, topics, contracts, auctions, votes, arbitration (see docs/orchestration.md)'),
    goals: GoalsSchema.default({}).describe('objectives with measurable targets the goal controller keeps (see docs/operations.md)'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const [name, m] of Object.entries(spec.models)) {
      if (!spec.providers[m.provider])
        ctx.addIssue({ code: 'custom', path: ['models', name, 'provider'], message: `unknown provider '${m.provider}'; declared providers: ${Object.keys(spec.providers).join(', ') || '(none)'}` });
      for (const [i, f] of (m.fallbacks ?? []).entries())
        if (!spec.models[f] && !spec.aliases[f]) ctx.addIssue({ code: 'custom', path: ['models', name, 'fallbacks', i], message: `fallback '${f}' is not a declared model or alias` });
    }
    for (const [alias, target] of Object.entries(spec.aliases)) {
      if (spec.models[alias]) ctx.addIssue({ code: 'custom', path: ['aliases', alias], message: `alias '${alias}' shadows a model of the same name` });
      if (!spec.models[target]) ctx.addIssue({ code: 'custom', path: ['aliases', alias], message: `alias target '${target}' is not a declared model` });
    }
    for (const [name, t] of Object.entries(spec.teams)) {
      if (!spec.tenants[t.tenant]) ctx.addIssue({ code: 'custom', path: ['teams', name, 'tenant'], message: `unknown tenant '${t.tenant}'` });
    }
    for (const [name, a] of Object.entries(spec.agents)) {
      if (!spec.teams[a.team]) ctx.addIssue({ code: 'custom', path: ['agents', name, 'team'], message: `unknown team '${a.team}'` });
    }
    for (const [name, k] of Object.entries(spec.keys)) {
      if (k.agent && !spec.agents[k.agent] && !spec.server.allow_undeclared_identities)
        ctx.addIssue({ code: 'custom', path: ['keys', name, 'agent'], message: `unknown agent '${k.agent}'` });
    }
    const em = spec.mesh.routing.embedding_model;
    if (em !== undefined) {
      const m = spec.models[em] ?? spec.models[spec.aliases[em] ?? ''];
      if (!m || m.type !== 'embedding')
        ctx.addIssue({ code: 'custom', path: ['mesh', 'routing', 'embedding_model'], message: `'${em}' is not a declared embedding model (a models: entry with type: embedding)` });
    }
    // a pattern may name the node's agents and the mesh's external agents (its calls go through the mesh)
    checkOrchestration(spec.orchestration, { ...spec.mesh.external_agents, ...spec.agents }, (i) => ctx.addIssue(i));
    checkGoals(spec.goals, spec, (i) => ctx.addIssue(i));
  });

/** A parsed, defaulted spec. */
export type Spec = z.infer<typeof SpecSchema>;
/** A provider entry of the spec. */
export type ProviderSpec = z.infer<typeof ProviderSchema>;
/** A model entry of the spec. */
export type ModelSpec = z.infer<typeof ModelSchema>;
/** A price entry, USD per 1M tokens. */
export type PriceSpec = z.infer<typeof PriceSchema>;
/** The sim provider's settings. */
export type SimProviderSpec = z.infer<typeof SimProviderSchema>;
