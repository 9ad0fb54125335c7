/**
 * The agent runtime of a daca node: hosts spec prompt agents and `defineAgent` code agents, runs
 * workflows, and implements `AgentHost` for the mesh. Non-durable agents run in-process (fast
 * path); durable agents and workflows run on Restate, which the runtime starts as a child process
 * (or reaches at `DACA_RESTATE_URL`) only when something needs it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { InternalError, NotFoundError } from '../errors.js';
import type { ApprovalService } from '../guardrails/approvals/approval-service.js';
import type { Spec } from '../spec/schema.js';
import type { AgentHost, MeshCaller } from './agent-host.js';
import type { AgentToolbox } from './agent-tools.js';
import { failed } from './agent-turn.js';
import { ApprovalBridge } from './approval-bridge.js';
import type { AgentDefinition } from './define-agent.js';
import type { WorkflowDefinition } from './define-workflow.js';
import { durableAgentObject, type TurnInput } from './durable-agent.js';
import { durableWorkflow } from './durable-workflow.js';
import { stablePorts } from './free-port.js';
import { IngressClient, RestateCallError, registerDeployment } from './ingress-client.js';
import { LocalAgent } from './local-agent.js';
import type { AgentIdentity, AgentModelClient } from './model-client.js';
import { promptAgentsOf } from './prompt-agent.js';
import { RestateEndpoint, type RestateServiceDef } from './restate-endpoint.js';
import { RestateServer } from './restate-server.js';
import { parseRestateUrl, type RestateUrls } from './restate-urls.js';
import type { AgentEvent, AgentMessage, AgentReply, HostedAgent, InvokeOptions, JsonValue } from './types.js';

/** What the runtime needs. */
export interface RuntimeOptions {
  spec: Spec;
  /** daca's data folder; Restate's data goes to `<dataDir>/restate`. */
  dataDir: string;
  /** Model calls of agents (through the gateway). */
  models: AgentModelClient;
  /** Human steps (optional: without it, workflows cannot ask for approvals). */
  approvals?: ApprovalService | undefined;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'> | undefined;
  /** Environment (`DACA_RESTATE_URL`); default `process.env`. */
  env?: Record<string, string | undefined>;
}

interface Entry {
  def: AgentDefinition;
  local: LocalAgent | null;
}

/** See the module comment. */
export class AgentRuntime implements AgentHost {
  private readonly agents = new Map<string, Entry>();
  /** Names of the agents that came from the spec's prompt agents (a live apply may change them). */
  private readonly fromSpec = new Set<string>();
  /** Durable prompt agents a live apply removed: still served to Restate (work in flight finishes), no longer callable. */
  private readonly retired = new Map<string, AgentDefinition>();
  private spec: Spec;
  private readonly workflows = new Map<string, WorkflowDefinition>();
  private mesh: MeshCaller;
  private tools: AgentToolbox | undefined;
  private started = false;
  private restate: { urls: RestateUrls; ingress: IngressClient; endpoint: RestateEndpoint; endpointUrl: string; server: RestateServer | null } | null = null;
  private bridge: ApprovalBridge | null = null;
  private restarting: Promise<void> | null = null;

  constructor(private readonly opts: RuntimeOptions) {
    this.spec = opts.spec;
    this.mesh = { call: (type, id, message, o) => this.invoke(type, id, message, o) };
  }

  /** Routes `ctx.callAgent` through the mesh (default: this runtime's own agents). */
  setMesh(mesh: MeshCaller): void {
    this.mesh = mesh;
  }

  /** Gives agents `ctx.tools` (a node gives its MCP tool hub; default: no tools). */
  setTools(tools: AgentToolbox): void {
    this.tools = tools;
  }

  /** Adds code agents and workflows (before or after `start`). Names must be unique. */
  async register(...defs: (AgentDefinition | WorkflowDefinition)[]): Promise<void> {
    let durable = false;
    for (const d of defs) {
      if (this.agents.has(d.name) || this.workflows.has(d.name)) throw new InternalError(`an agent or workflow named '${d.name}' is already registered`);
      if ('handlers' in d) {
        this.agents.set(d.name, { def: d, local: d.durable ? null : new LocalAgent(d, (id) => this.turnEnv(d, id)) });
        durable ||= d.durable;
      } else {
        this.workflows.set(d.name, d as WorkflowDefinition);
        durable = true;
      }
    }
    if (this.started && durable) await this.ensureRestate();
  }

  /** Registers the spec's prompt agents and starts Restate when needed. */
  async start(): Promise<void> {
    if (this.started) return;
    for (const d of promptAgentsOf(this.spec)) {
      if (this.agents.has(d.name)) continue;
      await this.register(d);
      this.fromSpec.add(d.name);
    }
    this.started = true;
    const mode = this.spec.runtime.restate;
    if (mode === 'always' || this.needsRestate()) await this.ensureRestate();
  }

  /**
   * Brings the spec's prompt agents in line with `spec` (a live apply): new ones are registered,
   * changed ones replaced (their next turn runs the new prompt, model, skills and team), removed
   * ones stop answering (404; a durable one's work in flight still finishes on Restate). Code
   * agents are left alone. Returns the names added, changed and removed.
   */
  async applySpec(spec: Spec): Promise<{ added: string[]; changed: string[]; removed: string[] }> {
    const before = this.spec;
    const next = new Map(promptAgentsOf(spec).map((d) => [d.name, d]));
    const out = { added: [] as string[], changed: [] as string[], removed: [] as string[] };
    /** A durable agent left or was replaced: Restate must be given the endpoint's services again. */
    let durableGone = false;
    for (const name of [...this.fromSpec]) {
      if (next.has(name)) continue;
      const e = this.agents.get(name)!;
      this.agents.delete(name);
      this.fromSpec.delete(name);
      e.local?.close();
      if (e.def.durable) {
        this.retired.set(name, e.def);
        durableGone = true;
      }
      out.removed.push(name);
    }
    this.spec = spec;
    const fresh: AgentDefinition[] = [];
    for (const [name, d] of next) {
      const e = this.agents.get(name);
      if (e && !this.fromSpec.has(name)) continue; // a code agent of that name
      if (e && JSON.stringify(before.agents[name]) === JSON.stringify(spec.agents[name])) continue;
      if (e) {
        e.local?.close();
        this.agents.delete(name);
        durableGone ||= e.def.durable;
        out.changed.push(name);
      } else out.added.push(name);
      this.retired.delete(name);
      fresh.push(d);
    }
    await this.register(...fresh); // re-publishes Restate's services when one of them is durable
    for (const d of fresh) this.fromSpec.add(d.name);
    if (this.started && this.restate && durableGone && !fresh.some((d) => d.durable)) await this.ensureRestate();
    return out;
  }

  /** Whether a durable agent or a workflow is registered. */
  needsRestate(): boolean {
    if (this.workflows.size) return true;
    for (const e of this.agents.values()) if (e.def.durable) return true;
    return false;
  }

  /** Restate's URLs, once it runs. */
  get restateUrls(): RestateUrls | null {
    return this.restate?.urls ?? null;
  }

  /** The spawned restate-server (null when external or not started). */
  get restateServer(): RestateServer | null {
    return this.restate?.server ?? null;
  }

  /** @inheritDoc */
  list(): HostedAgent[] {
    const out: HostedAgent[] = [];
    for (const { def } of this.agents.values())
      out.push({
        name: def.name,
        description: def.description ?? def.name,
        skills: def.skills,
        kind: this.fromSpec.has(def.name) ? 'prompt' : 'code',
        durable: def.durable,
        streaming: true,
        instances: def.instances,
        version: def.version,
      });
    return out;
  }

  /** @inheritDoc */
  invoke(agent: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions = {}): Promise<AgentReply> {
    const e = this.agents.get(agent);
    if (!e) return Promise.reject(new NotFoundError(`no agent '${agent}' on this node; agents: ${[...this.agents.keys()].join(', ') || '(none)'}`));
    if (e.local) return e.local.turn('onMessage', id ?? message.contextId, message, opts);
    return this.invokeDurable(agent, id ?? message.contextId ?? randomUUID(), 'onMessage', message, opts);
  }

  /** Calls another handler of an agent (e.g. a reminder handler) on instance `id`. */
  invokeHandler(agent: string, id: string, handler: string, message: AgentMessage, opts: InvokeOptions = {}): Promise<AgentReply> {
    const e = this.agents.get(agent);
    if (!e) return Promise.reject(new NotFoundError(`no agent '${agent}' on this node`));
    if (e.local) return e.local.turn(handler, id, message, opts);
    return this.invokeDurable(agent, id, handler, message, opts);
  }

  /** @inheritDoc */
  async *stream(agent: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions = {}): AsyncIterable<AgentEvent> {
    yield { kind: 'status', state: 'working' };
    yield { kind: 'reply', reply: await this.invoke(agent, id, message, opts) };
  }

  /** Starts workflow `name` with run id `id` (idempotent: the same id runs once). */
  async startWorkflow(name: string, id: string, input: JsonValue): Promise<void> {
    if (!this.workflows.has(name)) throw new NotFoundError(`no workflow '${name}'`);
    await this.ingress().json('POST', `/${name}/${encodeURIComponent(id)}/run/send`, input, { retry: true });
  }

  /** Waits for workflow run `id` of `name` and returns its output (retries while Restate restarts). */
  async workflowResult<T = JsonValue>(name: string, id: string, opts: { deadlineMs?: number; signal?: AbortSignal } = {}): Promise<T> {
    return this.ingress().json<T>('GET', `/restate/workflow/${name}/${encodeURIComponent(id)}/attach`, undefined, { retry: true, ...opts });
  }

  /** Stops agents, the endpoint and the restate-server it started. */
  async close(): Promise<void> {
    for (const e of this.agents.values()) e.local?.close();
    this.bridge?.close();
    const r = this.restate;
    this.restate = null;
    if (r) {
      r.ingress.close();
      await r.endpoint.close();
      await r.server?.stop();
    }
  }

  private ingress(): IngressClient {
    if (!this.restate) throw new InternalError('durable agents and workflows need Restate, which is not running (runtime.restate: off?)');
    return this.restate.ingress;
  }

  private async invokeDurable(agent: string, id: string, handler: string, message: AgentMessage, opts: InvokeOptions): Promise<AgentReply> {
    const input: TurnInput = { m: message };
    if (handler !== 'onMessage') input.h = handler;
    if (opts.caller) input.c = opts.caller;
    if (opts.traceparent) input.tp = opts.traceparent;
    try {
      return await this.ingress().callObject<AgentReply>(agent, id, 'turn', input, {
        idempotencyKey: opts.idempotencyKey,
        signal: opts.signal,
        deadlineMs: opts.deadlineMs,
        headers: opts.traceparent ? { traceparent: opts.traceparent } : undefined,
      });
    } catch (e) {
      if (e instanceof RestateCallError) return failed('runtime_error', e.body || e.message);
      throw e;
    }
  }

  private identity(name: string, team: string | undefined, session: string | null): AgentIdentity {
    const t = this.spec.agents[name]?.team ?? team ?? 'default';
    return { tenant: this.spec.teams[t]?.tenant ?? 'default', team: t, agent: name, session };
  }

  private turnEnv(def: AgentDefinition, id: string) {
    return { identity: this.identity(def.name, def.team, id === 'ephemeral' ? null : id), models: this.opts.models, mesh: this.mesh, tools: this.tools };
  }

  private services(): RestateServiceDef[] {
    const out: RestateServiceDef[] = [];
    for (const def of [...[...this.agents.values()].map((e) => e.def), ...this.retired.values()]) if (def.durable) out.push(durableAgentObject(def, (id) => this.turnEnv(def, id)));
    for (const w of this.workflows.values())
      out.push(
        durableWorkflow(w, {
          identity: (name, id) => this.identity(name, w.team, id),
          models: this.opts.models,
          mesh: { call: (t, i, m, o) => this.mesh.call(t, i, m, o) },
          bridge: () => this.bridge,
          defaultModel: 'default',
        }),
      );
    return out;
  }

  private ensureRestate(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.restate) {
        this.restate.endpoint.setServices(this.services());
        await registerDeployment(this.restate.urls.admin, this.restate.endpointUrl);
        return;
      }
      const rt = this.spec.runtime;
      if (rt.restate === 'off') throw new InternalError('the spec declares durable agents or workflows but runtime.restate is off');
      const env = this.opts.env ?? process.env;
      const external = env.DACA_RESTATE_URL ?? rt.restate_url;
      const dir = join(this.opts.dataDir, 'restate');
      await mkdir(dir, { recursive: true });
      let server: RestateServer | null = null;
      let urls: RestateUrls;
      if (external) urls = parseRestateUrl(external);
      else {
        server = new RestateServer({ dataDir: dir, ports: { ingress: rt.ports.ingress, admin: rt.ports.admin, node: rt.ports.node }, rocksdbMemoryMb: rt.rocksdb_memory_mb, partitions: rt.partitions });
        urls = await server.start();
      }
      const endpoint = new RestateEndpoint(this.opts.logger);
      try {
        const { endpoint: port } = await stablePorts(join(dir, 'endpoint-port.json'), { endpoint: rt.ports.endpoint });
        const bound = await endpoint.listen(port, external ? '0.0.0.0' : '127.0.0.1');
        const endpointUrl = `http://${rt.endpoint_host}:${bound}`;
        endpoint.setServices(this.services());
        await registerDeployment(urls.admin, endpointUrl);
        this.restate = { urls, ingress: new IngressClient(urls.ingress), endpoint, endpointUrl, server };
      } catch (e) {
        await endpoint.close();
        await server?.stop();
        throw e;
      }
      if (this.opts.approvals) {
        this.bridge = new ApprovalBridge(this.opts.approvals, () => this.ingress(), (e) => this.opts.logger?.warn({ err: e }, 'human step delivery failed'));
        await this.bridge.resume();
      }
      this.opts.logger?.info({ restate: urls, endpoint: this.restate.endpointUrl, spawned: !!server }, 'agent runtime on Restate');
    };
    const p = (this.restarting ?? Promise.resolve()).then(run);
    this.restarting = p.catch(() => {});
    return p;
  }
}
