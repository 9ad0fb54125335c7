/**
 * The cost sections of `daca.yaml`: the top-level `cache:` section and the per-agent `cache:` and
 * `routing:` fields.
 *
 * @example
 * ```yaml
 * cache:
 *   exact: { enabled: true, ttl_s: 3600, max_entries: 10000, max_mb: 64 }
 *   semantic: { enabled: true, threshold: 0.92, namespace_by: [tenant, agent] }
 * agents:
 *   support:
 *     team: care
 *     cache: { semantic: true }            # this agent's requests may hit the semantic cache
 *     routing:
 *       policy: router                     # fixed | cascade | router
 *       models: [gpt-4o-mini, gpt-4o]      # cheapest first: the cascade's ladder, the router's candidates
 *       verifiers: [{ type: consistency }] # when a cheap answer is accepted
 *       rules: [{ when: { task: faq }, model: gpt-4o-mini, verify: true }]
 *       learned: .daca/router/support.json # written by `daca cost train-router`
 *       default: gpt-4o
 * ```
 */
import { z } from 'zod';

/** The exact (request-hash) cache. */
export const ExactCacheSpecSchema = z
  .object({
    enabled: z.boolean().default(false).describe('off by default: turning it on changes what repeated requests return'),
    ttl_s: z.number().int().positive().default(3600).describe('seconds an entry lives'),
    max_entries: z.number().int().positive().default(10_000),
    max_mb: z.number().positive().default(64).describe('size bound of the in-memory cache, MiB'),
    max_temperature: z.number().min(0).max(2).default(0).describe('requests above this temperature are not cached (unset temperature counts as 0)'),
  })
  .strict();

/** The semantic (embedding-similarity) cache; only for agents that opt in. */
export const SemanticCacheSpecSchema = z
  .object({
    enabled: z.boolean().default(false),
    threshold: z.number().min(0).max(1).default(0.92).describe('minimum cosine similarity of the last user messages'),
    namespace_by: z.array(z.enum(['tenant', 'agent'])).default(['tenant', 'agent']).describe('tenant is always part of the namespace'),
    guard: z.enum(['strict', 'entities']).default('strict').describe('strict: prompts may differ only in phrasing, not in content words; entities: numbers, names and negations must match'),
    embedding_model: z.string().optional().describe('a declared embedding model; default: the built-in sim embeddings'),
    max_entries: z.number().int().positive().default(5_000).describe('entries per namespace'),
    thresholds: z.record(z.string(), z.number().min(0).max(1)).default({}).describe('per-namespace overrides (namespace "tenant/agent" → threshold)'),
  })
  .strict();

/** The top-level `cache:` section. */
export const CacheSpecSchema = z
  .object({
    exact: ExactCacheSpecSchema.default(ExactCacheSpecSchema.parse({})),
    semantic: SemanticCacheSpecSchema.default(SemanticCacheSpecSchema.parse({})),
  })
  .strict();

/** An agent's opt-in/out of the caches (default: exact on, semantic off). */
export const AgentCacheSpecSchema = z
  .object({
    exact: z.boolean().default(true),
    semantic: z.boolean().default(false),
    threshold: z.number().min(0).max(1).optional().describe("overrides the semantic threshold for this agent's namespace"),
  })
  .strict();

/** A verifier: decides whether a cheap model's answer is good enough. */
export const VerifierSpecSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('consistency'),
      probe_tokens: z.union([z.literal('auto'), z.number().int().positive()]).default('auto').describe("max_tokens of the second sample; 'auto' = where the first stated its answer"),
      answer_pattern: z.string().optional().describe('regex whose group 1 is the final answer (default: "answer is X", "Answer: X", JSON "answer")'),
      on_no_answer: z.enum(['accept', 'reject']).default('reject'),
      probe_temperature: z.number().min(0).max(2).default(0.7).describe('sampling temperature of the second sample (real models need diversity)'),
    })
    .strict(),
  z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()).optional().describe("default: the request's response_format schema") }).strict(),
  z
    .object({
      type: z.literal('heuristic'),
      min_chars: z.number().int().nonnegative().default(1),
      hedges: z.array(z.string()).optional().describe('phrases that mean the model is unsure (default list when unset)'),
    })
    .strict(),
  z
    .object({ type: z.literal('regex'), pattern: z.string().min(1), flags: z.string().regex(/^[imsu]*$/).default('i'), must_match: z.boolean().default(true) })
    .strict(),
  z.object({ type: z.literal('judge'), model: z.string().min(1), rubric: z.string().default('The answer is correct, complete and directly answers the question.'), threshold: z.number().min(0).max(1).default(0.5) }).strict(),
]);

/** When a router rule applies; every given condition must hold. */
export const RouteWhenSchema = z
  .object({
    task: z.union([z.string(), z.array(z.string())]).optional().describe('the `task` tag (x-daca-tags: task=…)'),
    min_prompt_tokens: z.number().int().nonnegative().optional(),
    max_prompt_tokens: z.number().int().nonnegative().optional(),
    tools: z.boolean().optional().describe('the request declares tools'),
    json: z.boolean().optional().describe('the request asks for JSON output'),
    tags: z.record(z.string(), z.string()).optional().describe('other tags that must match'),
  })
  .strict();

/** A router rule: requests matching `when` go to `model` (verified and escalated when `verify`). */
export const RouteRuleSchema = z.object({ when: RouteWhenSchema, model: z.string().min(1), verify: z.boolean().default(false) }).strict();

/** An agent's routing policy. */
export const RoutingSpecSchema = z
  .object({
    policy: z.enum(['fixed', 'cascade', 'router']),
    models: z.array(z.string().min(1)).min(1).describe('cheapest first: the cascade ladder and the router candidates'),
    verifiers: z.array(VerifierSpecSchema).default([{ type: 'heuristic', min_chars: 1 }]).describe('all must accept a cheap answer'),
    rules: z.array(RouteRuleSchema).default([]),
    learned: z.string().optional().describe('router policy file written by `daca cost train-router`'),
    default: z.string().optional().describe('router: the model when no rule matches (default: the last model)'),
    escalate_on_error: z.boolean().default(true).describe('an upstream error of a cheap model escalates instead of failing'),
  })
  .strict();

/** The `cache:` section. */
export type CacheSpec = z.output<typeof CacheSpecSchema>;
/** The per-agent `cache:` field. */
export type AgentCacheSpec = z.output<typeof AgentCacheSpecSchema>;
/** The per-agent `routing:` field. */
export type RoutingSpec = z.output<typeof RoutingSpecSchema>;
/** One verifier declaration. */
export type VerifierSpec = z.output<typeof VerifierSpecSchema>;
/** One router rule. */
export type RouteRule = z.output<typeof RouteRuleSchema>;

/** The defaults of the `cache:` section. */
export const DEFAULT_CACHE_SPEC: CacheSpec = CacheSpecSchema.parse({});
