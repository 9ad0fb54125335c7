/**
 * The mesh: how a call reaches an agent. It resolves the target (by name, or by the need a request
 * states in words), authorises the caller (tenant isolation and `mesh.policies`), picks an
 * instance (local: the node's AgentHost; remote: another node or an external A2A agent, balanced
 * with failover), applies the route's deadline, traces the hop and records per-edge metrics and
 * routing decisions.
 */
import type { CallSignal } from './balancer/cancellation.js';
import { randomUUID } from 'node:crypto';
import { InvalidRequestError, NotFoundError, UpstreamError } from '../errors.js';
import type { AgentHost, MeshCaller } from '../runtime/agent-host.js';
import type { AgentEvent, AgentMessage, AgentReply, HostedAgent, InvokeOptions } from '../runtime/types.js';
import type { Spec } from '../spec/schema.js';
import { NOOP_TRACER, SpanKind, type Tracer } from '../telemetry/tracing/index.js';
import { AttemptError, Balancer } from './balancer/balancer.js';
import { DecisionLog, type RoutingDecision } from './decision-log.js';
import { EdgeMetrics } from './edge-metrics.js';
import type { MeshSpec, SloSpec } from './mesh-spec.js';
import type { AgentInstance, MeshRegistry } from './registry/types.js';
import { EmbeddingRouter, type TextEmbedder } from './routing/embedding-router.js';
import { SkillIndex, type SkillEntry, type SkillMatch } from './routing/skill-index.js';
import { addSynonymGroups } from './routing/synonyms.js';
import { CallPolicy, type MeshCallerIdentity } from './security/call-policy.js';
import type { MeshTokens } from './security/agent-token.js';
import type { HeaderSeal } from './security/sealed-headers.js';
import type { IncomingMessage } from 'node:http';
import { forward, forwardRaw, type ForwardedAnswer } from './a2a/http-forward.js';
import { partsJson, replyOf } from './a2a/convert.js';

/** A remote call target: an agent on another node or outside daca. */
type RemoteTarget = Extract<CallTarget, { kind: 'remote' }>;

/** Options of one hop to a remote agent. */
export interface HopOptions {
  traceparent?: string | undefined;
  /** Epoch ms the call must finish by. */
  deadlineMs: number;
  /** The caller's cancellation (an AbortSignal, or a cheaper {@link CallSignal}). */
  signal?: CallSignal | undefined;
  skill?: string | null;
  version?: string | undefined;
}

/** Options of a {@link Mesh}. */
export interface MeshOptions {
  spec: () => Spec;
  /** The node's agents (absent until the runtime is up, or on a node without agents). */
  host: () => AgentHost | undefined;
  registry: MeshRegistry;
  tokens: MeshTokens;
  /** Seals the headers of agents registered through the API (every node of a deployment shares its secret). */
  headerSeal?: HeaderSeal;
  tracer?: Tracer;
  /** This node's id (registry instance ids). */
  nodeId: string;
  now?: () => number;
  /**
   * The embedder of a declared embedding model (`mesh.routing.embedding_model`); throws
   * InvalidRequestError when the model is not a declared embedding model or its provider is not running.
   */
  embedderFor?: (model: string) => TextEmbedder;
}

/** Where a resolved call goes. */
export type CallTarget = { kind: 'local'; agent: HostedAgent } | { kind: 'remote'; agent: string; instances: () => AgentInstance[] };

/** A routed request's outcome. */
export interface RouteResult {
  decision: RoutingDecision;
  /** `agent/skill` split, when routed. */
  agent: string | null;
  skill: string | null;
}

/**
 * The mesh of one node.
 * @example
 * ```ts
 * const mesh = new Mesh({ spec: () => spec, host: () => runtime.host, registry, tokens, nodeId: 'n1' });
 * const reply = await mesh.call('seller', undefined, { role: 'user', parts: [{ kind: 'text', text: 'quote 3 kettles' }] }, { caller: 'buyer', tenant: 'acme' });
 * ```
 */
export class Mesh implements MeshCaller {
  readonly balancer: Balancer;
  readonly edges: EdgeMetrics;
  readonly decisions: DecisionLog;
  readonly registry: MeshRegistry;
  readonly tokens: MeshTokens;
  /** Seals registration headers for the registry (absent: agents cannot be registered with headers). */
  readonly headerSeal: HeaderSeal | undefined;
  readonly tracer: Tracer;
  readonly nodeId: string;
  private readonly specOf: () => Spec;
  private readonly hostOf: () => AgentHost | undefined;
  private readonly now: () => number;
  private policyCache: { mesh: MeshSpec; policy: CallPolicy } | null = null;
  private index: SkillIndex | null = null;
  private indexSignature = '';
  private indexCheckedAt = 0;
  private indexKey = '';
  private skillOverride: SkillEntry[] | null = null;
  private synonymsAdded = false;
  private readonly embedderFor: ((model: string) => TextEmbedder) | undefined;
  private semantic: { model: string; weight: number; router: EmbeddingRouter } | null = null;

  constructor(opts: MeshOptions) {
    this.specOf = opts.spec;
    this.hostOf = opts.host;
    this.registry = opts.registry;
    this.tokens = opts.tokens;
    this.headerSeal = opts.headerSeal;
    this.tracer = opts.tracer ?? NOOP_TRACER;
    this.nodeId = opts.nodeId;
    this.now = opts.now ?? Date.now;
    this.embedderFor = opts.embedderFor;
    const b = opts.spec().mesh.balancing;
    this.balancer = new Balancer({ maxInFlight: b.max_in_flight, maxQueue: b.max_queue, failureThreshold: b.failure_threshold, openMs: b.open_ms, alpha: b.ewma_alpha, now: this.now });
    this.edges = new EdgeMetrics(this.now);
    this.decisions = new DecisionLog(opts.spec().mesh.routing.decisions_kept);
  }

  /** The `mesh:` section in force. */
  get spec(): MeshSpec {
    return this.specOf().mesh;
  }

  /** The call policy of the spec in force. */
  get policy(): CallPolicy {
    const mesh = this.spec;
    if (this.policyCache?.mesh !== mesh) this.policyCache = { mesh, policy: new CallPolicy(mesh) };
    return this.policyCache.policy;
  }

  /** The node's AgentHost, if any. */
  get host(): AgentHost | undefined {
    return this.hostOf();
  }

  /** The tenant an agent belongs to (its team's tenant in the spec; external agents: their `tenant`). */
  tenantOf(agent: string): string {
    const spec = this.specOf();
    const a = spec.agents[agent];
    if (a) return spec.teams[a.team]?.tenant ?? 'default';
    const ext = spec.mesh.external_agents[agent];
    if (ext) return ext.tenant ?? 'default';
    return this.registry.list({ agent })[0]?.tenant ?? 'default';
  }

  /** The SLO of a route (`agent/skill`, then `agent`, then the default). */
  sloOf(agent: string, skill?: string | null): SloSpec {
    const m = this.spec;
    return (skill ? m.slos[`${agent}/${skill}`] : undefined) ?? m.slos[agent] ?? m.default_slo;
  }

  /** A local agent by name. */
  localAgent(agent: string): HostedAgent | undefined {
    const host = this.hostOf();
    if (!host) return undefined;
    for (const a of host.list()) if (a.name === agent) return a;
    return undefined;
  }

  /** Where calls to `agent` go: this node's host, or live remote instances. Throws 404 when nowhere. */
  resolve(agent: string): CallTarget {
    const local = this.localAgent(agent);
    if (local) return { kind: 'local', agent: local };
    const instances = (): AgentInstance[] => this.registry.list({ agent }).filter((i) => i.node !== this.nodeId);
    if (instances().length === 0) throw new NotFoundError(`no agent '${agent}' in the mesh; see GET /api/mesh/agents`);
    return { kind: 'remote', agent, instances };
  }

  /** Replaces the skills the router matches on (benchmarks score labelled sets this way); null restores them. */
  setSkillOverride(skills: SkillEntry[] | null): void {
    this.skillOverride = skills;
    this.index = null;
    this.indexSignature = '';
  }

  /** The skill index over every reachable agent's skills (rebuilt when the registry or the host's agents change). */
  skillIndex(): SkillIndex {
    const now = this.now();
    const key = `${this.registry.generation}:${this.hostOf()?.list().length ?? 0}`;
    if (this.index && key === this.indexKey && now - this.indexCheckedAt < 5000) return this.index;
    this.indexCheckedAt = now;
    this.indexKey = key;
    if (!this.synonymsAdded) {
      addSynonymGroups(this.spec.routing.synonyms);
      this.synonymsAdded = true;
    }
    const entries = this.skillOverride ?? this.skillEntries();
    const signature = this.skillOverride ? 'override' : entries.map((e) => `${e.agent}/${e.skill}:${e.description?.length ?? 0}:${e.examples?.length ?? 0}`).join('|');
    if (!this.index || signature !== this.indexSignature) {
      this.index = new SkillIndex(entries, { threshold: this.spec.routing.threshold });
      this.indexSignature = signature;
    }
    return this.index;
  }

  private skillEntries(): SkillEntry[] {
    const seen = new Set<string>();
    const out: SkillEntry[] = [];
    const add = (agent: string, skills: readonly { id: string; name: string; description?: string; examples?: string[]; tags?: string[] }[], tags: readonly string[]): void => {
      for (const s of skills) {
        const key = `${agent}/${s.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ agent, skill: s.id, name: s.name, description: s.description ?? '', examples: s.examples ?? [], tags: [...(s.tags ?? []), ...tags] });
      }
    };
    const spec = this.specOf();
    for (const a of this.hostOf()?.list() ?? []) add(a.name, a.skills, spec.agents[a.name]?.tags ?? []);
    for (const i of this.registry.list()) add(i.agent, i.skills, i.tags);
    return out.sort((x, y) => (x.agent + x.skill < y.agent + y.skill ? -1 : 1));
  }

  /**
   * Routes a request stated in words to the skill that fits it best, and records the decision.
   * Only agents the caller may call (same tenant, allowed by policy) compete.
   */
  route(text: string, caller: MeshCallerIdentity, tags?: string[]): RouteResult {
    const t0 = performance.now();
    return this.decide(this.skillIndex().match(text, { tags }), text, caller, tags, t0);
  }

  /**
   * {@link Mesh.route} with the spec's embedding model when `mesh.routing.embedding_model` is set
   * (its similarity blended with the offline matcher's confidence); the offline matcher alone otherwise.
   * @throws {InvalidRequestError} when the embedding model is not a declared embedding model.
   */
  async routeSemantic(text: string, caller: MeshCallerIdentity, tags?: string[]): Promise<RouteResult> {
    const router = this.embeddingRouter();
    if (!router) return this.route(text, caller, tags);
    const t0 = performance.now();
    return this.decide(await router.match(this.skillIndex(), text, { tags }), text, caller, tags, t0);
  }

  /** The embedding router of the spec in force, or null without `embedding_model`. */
  private embeddingRouter(): EmbeddingRouter | null {
    const { embedding_model: model, embedding_weight: weight } = this.spec.routing;
    if (!model) return null;
    if (this.semantic?.model === model && this.semantic.weight === weight) return this.semantic.router;
    if (!this.embedderFor) throw new InvalidRequestError(`mesh.routing.embedding_model '${model}': this node has no model providers to embed with`);
    this.semantic = { model, weight, router: new EmbeddingRouter(this.embedderFor(model), { weight }) };
    return this.semantic.router;
  }

  private decide(m: SkillMatch, text: string, caller: MeshCallerIdentity, tags: string[] | undefined, t0: number): RouteResult {
    let routedTo = m.route ? `${m.route.agent}/${m.route.skill}` : null;
    let reason = m.reason;
    if (m.route && !this.skillOverride) {
      const refusal = this.policy.refusal(caller, { agent: m.route.agent, skill: m.route.skill, tenant: this.tenantOf(m.route.agent) });
      if (refusal) {
        reason = `${routedTo} fits (${m.reason}) but the caller may not use it: ${refusal}`;
        routedTo = null;
      }
    }
    const decision: RoutingDecision = {
      id: randomUUID(), at: this.now(), caller: caller.type, tenant: caller.tenant, text: text.slice(0, 500), tags,
      routedTo, score: m.score, reason, candidates: m.candidates, decisionUs: Math.round((performance.now() - t0) * 1000) / 1000,
    };
    this.decisions.add(decision);
    const [agent, skill] = routedTo ? (routedTo.split('/', 2) as [string, string]) : [null, null];
    return { decision, agent, skill };
  }

  /** Authorises `caller` to call `agent` (skill when known); throws 403 otherwise. */
  authorize(caller: MeshCallerIdentity, agent: string, skill: string | null = null): void {
    this.policy.check(caller, { agent, skill, tenant: this.tenantOf(agent) });
  }

  /** The absolute deadline of a call on a route starting now. */
  deadline(agent: string, skill?: string | null, requested?: number): number {
    const slo = this.sloOf(agent, skill);
    const d = this.now() + (slo.deadline_ms ?? this.spec.default_slo.deadline_ms ?? 30_000);
    return requested !== undefined ? Math.min(d, requested) : d;
  }

  /**
   * One turn of a local agent on behalf of `caller` (the A2A executor and agent-to-agent calls
   * land here): deadline, edge metrics, trace context.
   */
  async invokeLocal(agent: string, message: AgentMessage, caller: MeshCallerIdentity, opts: { signal?: AbortSignal; traceparent?: string; deadlineMs?: number } = {}): Promise<AgentReply> {
    const host = this.hostOf();
    if (!host) throw new NotFoundError(`no agent '${agent}' runs on this node`);
    const t0 = performance.now();
    let ok = false;
    try {
      const deadlineMs = opts.deadlineMs ?? this.deadline(agent);
      const signal = withDeadline(opts.signal, deadlineMs - this.now());
      const reply = await host.invoke(agent, undefined, message, { signal, caller: caller.type, tenant: caller.tenant, deadlineMs, ...(opts.traceparent ? { traceparent: opts.traceparent } : {}) });
      ok = reply.state !== 'failed';
      return reply;
    } finally {
      this.edges.record(caller.type, agent, performance.now() - t0, ok);
    }
  }

  /** The streamed variant of {@link invokeLocal}, or null when the agent cannot stream. */
  streamLocal(agent: string, message: AgentMessage, caller: MeshCallerIdentity, opts: { signal?: AbortSignal; traceparent?: string; deadlineMs?: number } = {}): AsyncIterable<AgentEvent> | null {
    const host = this.hostOf();
    const hosted = this.localAgent(agent);
    if (!host?.stream || !hosted?.streaming) return null;
    const deadlineMs = opts.deadlineMs ?? this.deadline(agent);
    const inner = host.stream(agent, undefined, message, { signal: withDeadline(opts.signal, deadlineMs - this.now()), caller: caller.type, tenant: caller.tenant, deadlineMs, ...(opts.traceparent ? { traceparent: opts.traceparent } : {}) });
    const edges = this.edges;
    return {
      async *[Symbol.asyncIterator]() {
        const t0 = performance.now();
        let ok = false;
        try {
          for await (const ev of inner) {
            if (ev.kind === 'reply') ok = ev.reply.state !== 'failed';
            yield ev;
          }
        } finally {
          edges.record(caller.type, agent, performance.now() - t0, ok);
        }
      },
    };
  }

  /**
   * Sends a JSON-RPC body to a remote agent's instances (balanced, with failover), as `caller`.
   * Returns the instance's answer unparsed.
   */
  forwardRemote(target: RemoteTarget, body: string, caller: MeshCallerIdentity, opts: HopOptions): Promise<{ instance: AgentInstance; answer: ForwardedAnswer }> {
    return this.hop(target, caller, opts, async (instance, headers, signal) => ({ instance, answer: await forward(instance.endpoint, body, headers, signal) }), (o) => o.answer.status);
  }

  /**
   * Opens a streamed call (`message/stream`, `tasks/resubscribe`) to a remote instance, balanced
   * and failed over like {@link Mesh.forwardRemote} until an instance answers with its response
   * head; the caller relays the body as it arrives. The edge metrics count the time to the head.
   * A 5xx head is a retryable failure; any other head (a 4xx included) is the answer.
   */
  openRemoteStream(target: RemoteTarget, body: string, caller: MeshCallerIdentity, opts: HopOptions): Promise<{ instance: AgentInstance; res: IncomingMessage }> {
    return this.hop(
      target,
      caller,
      opts,
      async (instance, headers, signal) => {
        const res = await forwardRaw(instance.endpoint, body, headers, signal);
        if ((res.statusCode ?? 502) >= 500) {
          res.resume();
          throw new AttemptError(`instance ${instance.endpoint} answered ${res.statusCode}`, true, true);
        }
        return { instance, res };
      },
      (o) => o.res.statusCode ?? 502,
    );
  }

  /** One balanced hop to a remote agent: the route's SLO (idempotency), the hop's headers, the edge metrics. */
  private async hop<R>(target: RemoteTarget, caller: MeshCallerIdentity, opts: HopOptions, attempt: (instance: AgentInstance, headers: Record<string, string>, signal: AbortSignal) => Promise<R>, status: (r: R) => number): Promise<R> {
    const slo = this.sloOf(target.agent, opts.skill);
    const t0 = performance.now();
    let ok = false;
    try {
      const out = await this.balancer.call(target.instances, (instance, signal) => attempt(instance, this.hopHeaders(instance, caller, opts.traceparent, opts.version), signal), {
        retries: this.spec.balancing.retries, idempotent: slo.idempotent ?? false, deadlineMs: opts.deadlineMs, signal: opts.signal,
      });
      ok = status(out) < 400;
      return out;
    } finally {
      this.edges.record(caller.type, target.agent, performance.now() - t0, ok);
    }
  }

  /**
   * Headers of a hop to an instance, and the trace context: to a daca node, a mesh token for it; to
   * an external agent, the headers of its registration (API) or of `mesh.external_agents` (spec) —
   * never a mesh token, which is daca's own credential.
   */
  hopHeaders(inst: AgentInstance, caller: MeshCallerIdentity, traceparent: string | undefined, version?: string): Record<string, string> {
    let h: Record<string, string>;
    if (inst.headers) {
      const opened = this.headerSeal?.open(inst.headers, inst.endpoint);
      // not sent: this node cannot authenticate the hop (another instance may be reachable)
      if (!opened) throw new AttemptError(`the headers registered for ${inst.instanceId} do not open on node ${this.nodeId}: every node must share DACA_MESH_SECRET (or the admin key)`, false, true);
      h = { ...opened };
    } else if (inst.kind === 'external') h = { ...this.specOf().mesh.external_agents[inst.agent]?.headers };
    else h = { authorization: `Bearer ${this.tokens.sign({ sub: caller.type, ten: caller.tenant, aud: inst.agent })}` };
    if (traceparent) h.traceparent = traceparent;
    if (version) h['a2a-version'] = version; // the body is forwarded as the caller wrote it (none: a 0.3 body)
    return h;
  }

  /**
   * MeshCaller: an agent calls another agent (the runtime's `ctx.callAgent`). Authorised by the
   * policy as the calling agent type, within the caller's tenant. With `opts.asOperator` (the
   * spec's declared patterns) the call is the operator's: no policy or tenant check, and the turn
   * runs in the callee's tenant.
   */
  async call(type: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions): Promise<AgentReply> {
    const caller: MeshCallerIdentity = opts.asOperator
      ? { type: opts.caller ?? 'orchestration', tenant: opts.tenant ?? this.tenantOf(type), admin: true }
      : { type: opts.caller ?? 'user', tenant: opts.tenant ?? (opts.caller ? this.tenantOf(opts.caller) : 'default') };
    this.authorize(caller, type);
    const span = this.tracer.startRequestSpan(`a2a call ${type}`, { traceparent: opts.traceparent, kind: SpanKind.CLIENT, attributes: { 'daca.mesh.caller': caller.type, 'daca.mesh.callee': type } });
    const deadlineMs = this.deadline(type, null, opts.deadlineMs);
    try {
      const target = this.resolve(type);
      if (target.kind === 'local') {
        const host = this.hostOf()!;
        const t0 = performance.now();
        let ok = false;
        try {
          const reply = await host.invoke(type, id, message, { ...opts, tenant: caller.tenant, deadlineMs, traceparent: span.traceparent() ?? opts.traceparent, signal: withDeadline(opts.signal, deadlineMs - this.now()) });
          ok = reply.state !== 'failed';
          return reply;
        } finally {
          this.edges.record(caller.type, type, performance.now() - t0, ok);
        }
      }
      const body = JSON.stringify({
        jsonrpc: '2.0', id: randomUUID(), method: 'SendMessage',
        params: { message: { messageId: opts.idempotencyKey ?? randomUUID(), role: 'ROLE_USER', parts: partsJson(message.parts), ...(message.contextId ? { contextId: message.contextId } : {}), ...(message.metadata ? { metadata: message.metadata } : {}) } },
      });
      const { answer } = await this.forwardRemote(target, body, caller, { traceparent: span.traceparent() ?? opts.traceparent, deadlineMs, signal: opts.signal, version: '1.0' });
      const rpc = JSON.parse(answer.body.toString('utf8')) as { result?: unknown; error?: { message?: string } };
      if (rpc.error) return { parts: [{ kind: 'text', text: rpc.error.message ?? 'error' }], state: 'failed', error: { code: 'a2a_error', message: rpc.error.message ?? 'the agent answered with an error' } };
      const r = rpc.result as { message?: unknown; task?: unknown } | undefined;
      return replyOf(r?.message ?? r?.task ?? r);
    } catch (e) {
      span.recordError(e);
      if (e instanceof AttemptError) throw new UpstreamError(e.message, { cause: e });
      throw e;
    } finally {
      span.end();
    }
  }
}

/** A signal that aborts at the deadline (and with the parent). */
function withDeadline(parent: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(Math.max(1, ms));
  return parent ? AbortSignal.any([parent, timeout]) : timeout;
}

