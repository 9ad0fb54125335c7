/**
 * The spec's `orchestration:` section: coordination patterns declared by agent names, which
 * `daca up` instantiates over the node's runtime and serves at `/api/orchestration/patterns`
 * (`daca orch`). Imported by src/spec/schema.ts; cross-references (agent names) are checked by
 * {@link checkOrchestration} so errors point at the spec's file and line.
 *
 * ```yaml
 * orchestration:
 *   hierarchies:
 *     support:
 *       supervisor: boss
 *       leads: { lead-a: [w1, w2], lead-b: [w3] }
 *       task_timeout_ms: 30000
 *       escalate_to: boss            # an agent, or `human` (an approval)
 *   negotiations:
 *     procurement:
 *       buyer: { agent: purchaser, open_usd: 60, limit_usd: 100, strategy: linear }
 *       sellers: [{ agent: vendor-a, open_usd: 150, limit_usd: 90, strategy: boulware }]
 *       rounds: 8
 *       deadline_ms: 60000
 *   topics:
 *     render: { providers: { gpu-farm: 8 } }
 *   contracts:
 *     translation:
 *       issuer: manager
 *       contractors: [tr-1, tr-2]
 *       obligations: ["deliver the translated text"]
 *       deadline_ms: 20000
 *       penalty_usd: 5
 *   auctions:
 *     gpu-slot: { kind: vickrey, bidders: [team-a, team-b, team-c], reserve_usd: 10 }
 *     spot: { kind: double }
 *   votes:
 *     release: { voters: [qa, dev, pm], method: ranked-choice, options: [ship, wait] }
 *   arbitration:
 *     refunds: { mediator: ombud }
 * ```
 */
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected an agent name');
const usd = z.number().nonnegative().max(1e9);

/** Supervisor → leads → workers, all by agent name. */
export const HierarchySpecSchema = z
  .object({
    supervisor: name.describe('the agent that owns the tasks and decides escalations'),
    leads: z.record(z.string().min(1), z.array(name).min(1)).refine((l) => Object.keys(l).length > 0, 'a hierarchy needs at least one lead').describe('lead name → its worker agents'),
    task_timeout_ms: z.number().int().positive().default(30_000).describe('a worker that has not answered after this has stalled; its task is re-assigned'),
    max_attempts: z.number().int().positive().default(3).describe('attempts before a task is escalated'),
    escalate_to: z.union([z.literal('human'), name]).optional().describe('who decides escalated tasks: an agent (default: the supervisor) or `human` (an approval)'),
    approval_wait_ms: z.number().int().positive().default(300_000).describe('how long a human escalation waits for a decision'),
  })
  .strict();

const STRATEGY = z.enum(['conceder', 'linear', 'boulware']);

/** A negotiating party: an agent, and the bounds daca keeps its moves in. */
export const PartySpecSchema = z
  .object({
    agent: name,
    open_usd: usd.describe('opening price'),
    limit_usd: usd.describe('walk-away price: a buyer\'s maximum, a seller\'s minimum'),
    strategy: STRATEGY.default('linear').describe('concession: conceder (early), linear, boulware (holds out)'),
    model_moves: z.boolean().default(true).describe('ask the agent for each move (clamped into its bounds); false: the strategy alone moves'),
  })
  .strict();

/** Alternating offers, bilateral (one seller) or multilateral. */
export const NegotiationSpecSchema = z
  .object({
    buyer: PartySpecSchema,
    sellers: z.array(PartySpecSchema).min(1),
    rounds: z.number().int().min(1).max(100).default(8),
    deadline_ms: z.number().int().positive().default(60_000),
    move_timeout_ms: z.number().int().positive().default(30_000),
  })
  .strict()
  .superRefine((n, ctx) => {
    if (n.buyer.open_usd > n.buyer.limit_usd) ctx.addIssue({ code: 'custom', path: ['buyer', 'open_usd'], message: 'a buyer opens at or below its limit' });
    n.sellers.forEach((s, i) => {
      if (s.open_usd < s.limit_usd) ctx.addIssue({ code: 'custom', path: ['sellers', i, 'open_usd'], message: 'a seller opens at or above its limit' });
    });
  });

/** A pub/sub topic: providers announce capacity, agents publish needs, the board shares capacity max-min fairly. */
export const TopicSpecSchema = z
  .object({ providers: z.record(name, z.number().int().nonnegative()).default({}).describe('agent → capacity announced at start') })
  .strict();

/** A contract-net template: CFP → bids → award → contract with obligations, deadline and penalty. */
export const ContractSpecSchema = z
  .object({
    issuer: name,
    contractors: z.array(name).min(1),
    obligations: z.array(z.string().min(1)).default([]).describe('what the contractor must do (stored with the contract)'),
    bid_window_ms: z.number().int().positive().default(30_000),
    deadline_ms: z.number().int().positive().default(60_000).describe('delivery deadline after the award'),
    penalty_usd: usd.default(0).describe('charged to the contractor on a breach'),
  })
  .strict();

/** An auction: sealed-bid (first price), Vickrey (second price), or a continuous double auction. */
export const AuctionSpecSchema = z
  .object({
    kind: z.enum(['sealed', 'vickrey', 'double']),
    bidders: z.array(name).default([]).describe('agents asked for sealed bids (sealed, vickrey)'),
    reserve_usd: usd.default(0),
    bid_timeout_ms: z.number().int().positive().default(30_000),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.kind !== 'double' && a.bidders.length === 0) ctx.addIssue({ code: 'custom', path: ['bidders'], message: `a ${a.kind} auction needs at least one bidder` });
  });

/** A vote among agents. */
export const VoteSpecSchema = z
  .object({
    voters: z.array(name).min(1),
    method: z.enum(['majority', 'weighted', 'ranked-choice']).default('majority'),
    options: z.array(z.string().min(1)).min(2).optional().describe('default options (a run may give its own)'),
    timeout_ms: z.number().int().positive().default(30_000),
  })
  .strict();

/** Arbitration of disputes by a mediator agent. */
export const ArbitrationSpecSchema = z.object({ mediator: name, timeout_ms: z.number().int().positive().default(30_000) }).strict();

/** The `orchestration:` section. */
export const OrchestrationSpecSchema = z
  .object({
    hierarchies: z.record(z.string().min(1), HierarchySpecSchema).default({}),
    negotiations: z.record(z.string().min(1), NegotiationSpecSchema).default({}),
    topics: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a topic is letters, digits, "_" or "-"'), TopicSpecSchema).default({}),
    contracts: z.record(z.string().min(1), ContractSpecSchema).default({}),
    auctions: z.record(z.string().min(1), AuctionSpecSchema).default({}),
    votes: z.record(z.string().min(1), VoteSpecSchema).default({}),
    arbitration: z.record(z.string().min(1), ArbitrationSpecSchema).default({}),
  })
  .strict();

/** The parsed `orchestration:` section. */
export type OrchestrationSpec = z.infer<typeof OrchestrationSpecSchema>;
/** One declared hierarchy. */
export type HierarchySpec = z.infer<typeof HierarchySpecSchema>;
/** One declared auction. */
export type AuctionSpec = z.infer<typeof AuctionSpecSchema>;
/** One declared negotiation party. */
export type PartySpec = z.infer<typeof PartySpecSchema>;

/** The section's defaults (nothing declared). */
export const EMPTY_ORCHESTRATION: OrchestrationSpec = OrchestrationSpecSchema.parse({});

type Issue = { code: 'custom'; path: (string | number)[]; message: string };

/**
 * Checks that every agent an `orchestration:` entry names is known (`agents`: the spec's agents
 * and the mesh's external agents); called from the spec's cross-section refinement.
 */
export function checkOrchestration(o: OrchestrationSpec | undefined, agents: Record<string, unknown>, addIssue: (i: Issue) => void): void {
  if (!o) return;
  const known = Object.keys(agents);
  const need = (agent: string, path: (string | number)[]): void => {
    if (!(agent in agents))
      addIssue({ code: 'custom', path: ['orchestration', ...path], message: `unknown agent '${agent}'; agents and mesh.external_agents: ${known.slice(0, 20).join(', ') || '(none)'}` });
  };
  for (const [n, h] of Object.entries(o.hierarchies)) {
    need(h.supervisor, ['hierarchies', n, 'supervisor']);
    for (const [lead, ws] of Object.entries(h.leads)) ws.forEach((w, i) => need(w, ['hierarchies', n, 'leads', lead, i]));
    if (h.escalate_to && h.escalate_to !== 'human') need(h.escalate_to, ['hierarchies', n, 'escalate_to']);
  }
  for (const [n, g] of Object.entries(o.negotiations)) {
    need(g.buyer.agent, ['negotiations', n, 'buyer', 'agent']);
    g.sellers.forEach((s, i) => need(s.agent, ['negotiations', n, 'sellers', i, 'agent']));
  }
  for (const [n, t] of Object.entries(o.topics)) for (const p of Object.keys(t.providers)) need(p, ['topics', n, 'providers', p]);
  for (const [n, c] of Object.entries(o.contracts)) {
    need(c.issuer, ['contracts', n, 'issuer']);
    c.contractors.forEach((a, i) => need(a, ['contracts', n, 'contractors', i]));
  }
  for (const [n, a] of Object.entries(o.auctions)) a.bidders.forEach((b, i) => need(b, ['auctions', n, 'bidders', i]));
  for (const [n, v] of Object.entries(o.votes)) v.voters.forEach((b, i) => need(b, ['votes', n, 'voters', i]));
  for (const [n, a] of Object.entries(o.arbitration)) need(a.mediator, ['arbitration', n, 'mediator']);
}
