/**
 * Spec fields of the agentic mesh: per-agent `skills` and `tags` (spread into `AgentSchema`), and
 * the top-level `mesh:` section.
 *
 * ```yaml
 * agents:
 *   seller:
 *     team: shop
 *     tags: [commerce]
 *     skills:
 *       - id: quote
 *         name: Price quote
 *         description: Quote prices and availability of catalogue products
 *         examples: ["How much is the blue kettle?"]
 * mesh:
 *   routing: { threshold: 0.45 }
 *   slos:
 *     seller: { deadline_ms: 500, p99_ms: 300, error_rate: 0.01 }
 *   policies:
 *     - callers: [buyer]            # agent types (the caller key's agent), `user` (keys bound to no agent) or "*"
 *       skills: ["seller/*"]        # agent/skill patterns the callers may reach
 *   external_agents:
 *     partner: { url: "http://partner.example:9000", card_path: /.well-known/agent-card.json }
 *     seller: { url: "http://10.0.0.7:9000", instances: ["http://10.0.0.8:9000"] }   # one agent, two instances
 *   mcp_servers:
 *     files: { command: node, args: [files-mcp.js] }
 *     search: { url: "http://127.0.0.1:7000/mcp" }
 * ```
 */
import { z } from 'zod';

const idRe = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A skill an agent declares (A2A `AgentSkill`). */
export const SkillSchema = z
  .object({
    id: z.string().regex(idRe, 'expected a skill id'),
    name: z.string().min(1).optional(),
    description: z.string().default(''),
    examples: z.array(z.string().min(1)).default([]),
    tags: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** The mesh fields of an agent, spread into `AgentSchema`. */
export const AgentMeshFields = {
  skills: z.array(SkillSchema).optional().describe('skills the agent offers (A2A card, semantic routing)'),
  tags: z.array(z.string().min(1)).optional().describe('tags for discovery and routing filters'),
};

/** A per-route service level objective. */
export const SloSchema = z
  .object({
    deadline_ms: z.number().int().positive().optional().describe('deadline of one call through the mesh (propagated to the callee)'),
    p99_ms: z.number().positive().optional().describe('latency objective: p99 of calls on this route'),
    error_rate: z.number().min(0).max(1).optional().describe('error-rate objective, e.g. 0.01'),
    idempotent: z.boolean().optional().describe('calls may be retried on another instance after any failure'),
  })
  .strict();

/** A mesh authorisation rule: which caller types may call which skills. */
export const MeshPolicySchema = z
  .object({
    callers: z.array(z.string().min(1)).min(1).describe('agent types, `user` for keys bound to no agent, or "*"'),
    skills: z.array(z.string().min(1)).min(1).describe('`agent/skill` patterns (`seller/*`, `*/quote`, `seller`)'),
  })
  .strict();

/** An external A2A agent registered by URL. */
export const ExternalAgentSchema = z
  .object({
    url: z.url('expected the agent\'s base URL'),
    instances: z.array(z.url()).default([]).describe('more instances of the same agent (base URLs); each card is fetched and validated'),
    card_path: z.string().default('/.well-known/agent-card.json'),
    tenant: z.string().regex(idRe).optional().describe('tenant it serves (default: `default`)'),
    headers: z.record(z.string(), z.string()).default({}).describe('headers sent to it (use ${ENV} for credentials)'),
  })
  .strict();

const headerNameRe = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
/** Headers daca sets on every hop itself; a registration may not replace them. */
const HOP_OWN_HEADERS = new Set(['host', 'connection', 'content-length', 'content-type', 'transfer-encoding', 'traceparent', 'tracestate', 'a2a-version']);

/**
 * Headers a registration asks daca to send on every hop to the agent (and its card fetches), e.g.
 * `{ authorization: 'Bearer …' }`: at most 16, names lower-cased, printable ASCII values of at most
 * 4 KiB, 8 KiB in all.
 */
export const HopHeadersSchema = z
  .record(z.string(), z.string().max(4096, 'at most 4096 characters').regex(/^[\t\x20-\x7e]*$/, 'expected printable ASCII (no line breaks)'))
  .superRefine((h, ctx) => {
    const names = Object.keys(h);
    if (names.length > 16) ctx.addIssue({ code: 'custom', message: 'at most 16 headers' });
    if (Object.entries(h).reduce((n, [k, v]) => n + k.length + v.length, 0) > 8192) ctx.addIssue({ code: 'custom', message: 'at most 8 KiB of headers in all' });
    const seen = new Set<string>();
    for (const n of names) {
      const lower = n.toLowerCase();
      const problem = !headerNameRe.test(n) ? 'expected an HTTP header name' : HOP_OWN_HEADERS.has(lower) ? 'daca sets this header on every hop itself' : seen.has(lower) ? 'given twice (header names are case-insensitive)' : null;
      if (problem) ctx.addIssue({ code: 'custom', path: [n], message: problem });
      seen.add(lower);
    }
  })
  .transform((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v])))
  .describe('headers sent on every hop to the agent and on its card fetches (values never listed)');

/** An MCP server whose tools agents may use: a command (stdio) or a URL (Streamable HTTP). */
export const McpServerSchema = z
  .object({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    url: z.url().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    agents: z.array(z.string().min(1)).default(['*']).describe('agents that may use its tools ("*" = all)'),
  })
  .strict()
  .refine((s) => (s.command === undefined) !== (s.url === undefined), 'an MCP server needs exactly one of `command` (stdio) or `url` (Streamable HTTP)');

/** Load balancing and resilience between agent instances. */
export const BalancingSchema = z
  .object({
    max_in_flight: z.number().int().positive().default(64).describe('concurrent calls per instance before calls queue'),
    max_queue: z.number().int().nonnegative().default(256).describe('calls waiting for an instance before 429'),
    retries: z.number().int().nonnegative().default(2).describe('failover attempts on other instances'),
    failure_threshold: z.number().int().positive().default(3).describe('consecutive failures that open an instance\'s breaker'),
    open_ms: z.number().int().positive().default(5_000).describe('how long an open breaker ejects its instance'),
    ewma_alpha: z.number().gt(0).lte(1).default(0.3),
  })
  .strict();

/** The `mesh:` section. */
export const MeshSpecSchema = z
  .object({
    routing: z
      .object({
        threshold: z.number().min(0).max(1).default(0.45).describe('minimum confidence to route a request stated in words'),
        embedding_model: z.string().optional().describe('an embedding model of `models:` (type: embedding); its similarity is blended with the offline matcher'),
        embedding_weight: z.number().min(0).max(1).default(0.5).describe('share of the embedding similarity in the blended confidence (with `embedding_model`)'),
        synonyms: z.array(z.array(z.string().min(1)).min(2)).default([]).describe('extra synonym groups for the offline matcher'),
        decisions_kept: z.number().int().positive().default(1000),
      })
      .strict()
      .default({ threshold: 0.45, embedding_weight: 0.5, synonyms: [], decisions_kept: 1000 }),
    default_slo: SloSchema.default({ deadline_ms: 30_000 }),
    slos: z.record(z.string().min(1), SloSchema).default({}).describe('per route: callee agent type, or `agent/skill`'),
    policies: z.array(MeshPolicySchema).default([]).describe('who may call which skills; none = any caller of the same tenant'),
    shared_tenant: z
      .string()
      .nullable()
      .default('default')
      .describe('agents of this tenant are platform agents every tenant may call (each caller\'s tasks stay in its own tenant); null: none'),
    external_agents: z.record(z.string().regex(idRe), ExternalAgentSchema).default({}),
    mcp_servers: z.record(z.string().regex(idRe), McpServerSchema).default({}),
    balancing: BalancingSchema.default(BalancingSchema.parse({})),
    registry: z
      .object({
        heartbeat_ms: z.number().int().positive().default(2_000),
        ttl_ms: z.number().int().positive().default(6_000),
        zone: z.string().default('local'),
      })
      .strict()
      .default({ heartbeat_ms: 2_000, ttl_ms: 6_000, zone: 'local' }),
  })
  .strict();

/** The parsed `mesh:` section. */
export type MeshSpec = z.infer<typeof MeshSpecSchema>;
/** One SLO. */
export type SloSpec = z.infer<typeof SloSchema>;
/** One declared skill. */
export type SkillSpec = z.infer<typeof SkillSchema>;
/** One MCP server entry. */
export type McpServerSpec = z.infer<typeof McpServerSchema>;
/** One external agent entry. */
export type ExternalAgentSpec = z.infer<typeof ExternalAgentSchema>;

/** The `mesh:` defaults. */
export const DEFAULT_MESH_SPEC: MeshSpec = MeshSpecSchema.parse({});
