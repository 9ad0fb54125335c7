/**
 * A pool of live agent instances with a lifecycle: instances of `defineAgent` types are activated
 * by their first message (spawn on demand), run one turn at a time from a mailbox, are passivated
 * when idle or when their type is over its maximum (state kept in an `AgentStateStore`, restored
 * by the next message), can be killed (a crash: state since the last passivation and queued
 * messages are lost), and drain gracefully. Turns run through the runtime's `runTurn`, so
 * `ctx.model.chat` goes through the gateway under the instance's identity (metered, budgeted,
 * attributed per instance). Implements `AgentHost`, so the mesh can route to pooled agents.
 */
import { NotFoundError } from '../errors.js';
import type { AgentHost, MeshCaller } from '../runtime/agent-host.js';
import { failed, runTurn, type TurnEffects } from '../runtime/agent-turn.js';
import type { AgentDefinition } from '../runtime/define-agent.js';
import type { AgentIdentity, AgentModelClient } from '../runtime/model-client.js';
import type { AgentMessage, AgentReply, HostedAgent, InvokeOptions, JsonValue } from '../runtime/types.js';
import { RealClock, type Clock, type ClockTimer } from './clock.js';
import type { Deadlock, WaitForGraph } from './safety/wait-for-graph.js';

/** Where passivated instance state is kept. */
export interface AgentStateStore {
  get(key: string): unknown;
  put(key: string, state: unknown): void;
  delete(key: string): void;
}

/** Instance state in memory (survives passivation and kills of instances, not the process). */
export class MemoryStateStore implements AgentStateStore {
  private readonly m = new Map<string, unknown>();
  /** @inheritDoc */
  get(key: string): unknown {
    return this.m.get(key);
  }
  /** @inheritDoc */
  put(key: string, state: unknown): void {
    this.m.set(key, state);
  }
  /** @inheritDoc */
  delete(key: string): void {
    this.m.delete(key);
  }
  /** States kept. */
  get size(): number {
    return this.m.size;
  }
}

/** Lifecycle of one agent type in the pool. */
export interface LifecyclePolicy {
  /** Live instances at most; beyond it the least recently used idle one is passivated (default unbounded). */
  max?: number;
  /** Passivate instances idle this long, ms (default: never). */
  idleMs?: number;
  /** Tenant and team the instances' model calls are attributed to (budgets and policies of that team apply). */
  tenant?: string;
  team?: string;
}

/** Why an instance's `onActivate` handler runs. */
export type ActivationReason = 'spawn' | 'reactivate' | 'restart';

interface Item {
  handler: string;
  message: AgentMessage;
  opts: InvokeOptions;
  resolve: ((r: AgentReply) => void) | null;
  enqueuedAt: number;
}

interface Instance {
  type: Registered;
  id: string;
  key: string;
  state: unknown;
  mailbox: Item[];
  head: number;
  busy: boolean;
  lastActive: number;
  epoch: number;
}

interface Registered {
  def: AgentDefinition<unknown>;
  policy: LifecyclePolicy;
  live: Map<string, Instance>;
  turns: number;
  activations: number;
  passivations: number;
  kills: number;
  killedIds: Set<string>;
}

/** Counters of one agent type. */
export interface AgentTypeStats {
  live: number;
  queued: number;
  busy: number;
  turns: number;
  activations: number;
  passivations: number;
  kills: number;
}

/** What the pool needs. */
export interface AgentPoolOptions {
  /** Model calls (the gateway); without it `ctx.model.chat` fails with `no_model`. */
  models?: AgentModelClient;
  clock?: Clock;
  states?: AgentStateStore;
  /** Default tenant and team (per-type `LifecyclePolicy` overrides). */
  tenant?: string;
  team?: string;
  /** `ctx.callAgent` (default: this pool). */
  mesh?: MeshCaller;
  /** Errors of fire-and-forget turns. */
  onError?: (e: unknown) => void;
  /**
   * Deadlock detection over `ctx.callAgent`: every outstanding call is an edge of this wait-for
   * graph (caller instance → callee instance); `resolveDeadlocks()` (and, with `deadlockCheckMs`,
   * a periodic check) fails the youngest call of each cycle with `deadlock`, and calls older than
   * `callTimeoutMs` fail with `timeout`.
   */
  waits?: WaitForGraph;
  deadlockCheckMs?: number;
  callTimeoutMs?: number;
  /** Called with each deadlock found (before it is resolved). */
  onDeadlock?: (d: Deadlock) => void;
}

interface OutstandingCall {
  waiter: string;
  holder: string;
  what: string;
  abort: (r: AgentReply) => void;
}

const NO_MODELS: AgentModelClient = { chat: () => Promise.reject(Object.assign(new Error('this pool has no model client'), { code: 'no_model', status: 500 })) };

/**
 * The pool.
 * @example
 * ```ts
 * const pool = new AgentPool({ models: new GatewayModelClient(services.gateway) });
 * pool.register(counter, { idleMs: 60_000, max: 5_000 });
 * await pool.invoke('counter', 'c-1', textMessage('hi'));
 * ```
 */
export class AgentPool implements AgentHost {
  private readonly types = new Map<string, Registered>();
  private readonly clock: Clock;
  private readonly states: AgentStateStore;
  private readonly models: AgentModelClient;
  private mesh: MeshCaller;
  private draining = false;
  private reaper: ClockTimer | null = null;
  private idleWaiters: (() => void)[] = [];
  private busyCount = 0;
  private queuedCount = 0;
  private readonly calls = new Map<string, OutstandingCall>();
  private callSeq = 0;
  /** Deadlocks found and resolved so far. */
  deadlocksResolved = 0;

  constructor(private readonly opts: AgentPoolOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    this.states = opts.states ?? new MemoryStateStore();
    this.models = opts.models ?? NO_MODELS;
    this.mesh = opts.mesh ?? { call: (t, id, m, o) => this.invoke(t, id, m, o) };
    if (opts.waits && opts.deadlockCheckMs) {
      const every = opts.deadlockCheckMs;
      const tick = (): void => {
        this.resolveDeadlocks();
        this.clock.setTimer(every, tick);
      };
      this.clock.setTimer(every, tick);
    }
  }

  /**
   * Finds cycles of outstanding `ctx.callAgent` calls and fails the youngest call of each with
   * `deadlock` (its caller's turn goes on and can back off); fails calls older than
   * `callTimeoutMs` with `timeout`. Returns the deadlocks found.
   */
  resolveDeadlocks(): Deadlock[] {
    const g = this.opts.waits;
    if (!g) return [];
    const found = g.deadlocks();
    for (const d of found) {
      this.opts.onDeadlock?.(d);
      const e = d.edges.find((x) => x.waiter === d.victim)!;
      const c = this.calls.get(e.what);
      if (c) {
        c.abort(failed('deadlock', `call from ${c.waiter} to ${c.holder} was the youngest wait in a deadlock (${d.cycle.join(' -> ')}) and was cancelled`));
        this.deadlocksResolved++;
      }
    }
    if (this.opts.callTimeoutMs !== undefined)
      for (const e of g.expired(this.clock.now(), this.opts.callTimeoutMs)) this.calls.get(e.what)?.abort(failed('timeout', `call from ${e.waiter} to ${e.holder} took longer than ${this.opts.callTimeoutMs} ms`));
    return found;
  }

  private meshFor(i: Instance): MeshCaller {
    const g = this.opts.waits;
    if (!g) return this.mesh;
    return {
      call: (type, id, message, o) => {
        const holder = `${type}:${id ?? message.contextId ?? 'default'}`;
        const what = `call-${++this.callSeq}`;
        g.wait(i.key, holder, what, this.clock.now());
        return new Promise<AgentReply>((resolve) => {
          let done = false;
          const finish = (r: AgentReply): void => {
            if (done) return;
            done = true;
            g.release(i.key, holder, what);
            this.calls.delete(what);
            resolve(r);
          };
          this.calls.set(what, { waiter: i.key, holder, what, abort: finish });
          this.mesh.call(type, id, message, o).then(finish, (e: unknown) => finish(failed('call_failed', (e as Error)?.message ?? String(e))));
        });
      },
    };
  }

  /** Adds an agent type with its lifecycle policy. */
  register<S>(def: AgentDefinition<S>, policy: LifecyclePolicy = {}): this {
    if (this.types.has(def.name)) throw new NotFoundError(`agent type '${def.name}' is already registered in this pool`);
    this.types.set(def.name, { def: def as AgentDefinition<unknown>, policy, live: new Map(), turns: 0, activations: 0, passivations: 0, kills: 0, killedIds: new Set() });
    if (policy.idleMs !== undefined) this.scheduleReaper(policy.idleMs);
    return this;
  }

  /** Routes `ctx.callAgent` elsewhere (the mesh). */
  setMesh(mesh: MeshCaller): void {
    this.mesh = mesh;
  }

  /** @inheritDoc */
  list(): HostedAgent[] {
    return [...this.types.values()].map(({ def }) => ({
      name: def.name, description: def.description ?? def.name, skills: def.skills, kind: 'code', durable: false, streaming: false,
      instances: def.instances, version: def.version,
    }));
  }

  /** @inheritDoc */
  invoke(agent: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions = {}): Promise<AgentReply> {
    return this.call(agent, id ?? message.contextId ?? 'default', 'onMessage', message, opts);
  }

  /** Runs handler `handler` of instance `agent:id` on `message` and resolves with its reply. */
  call(agent: string, id: string, handler: string, message: AgentMessage, opts: InvokeOptions = {}): Promise<AgentReply> {
    return new Promise((resolve) => this.enqueue(agent, id, handler, message, opts, resolve));
  }

  /** Delivers `message` to handler `handler` of `agent:id` without waiting (fire and forget). */
  tell(agent: string, id: string, message: AgentMessage, handler = 'onMessage', opts: InvokeOptions = {}): void {
    this.enqueue(agent, id, handler, message, opts, null);
  }

  /** Live instances (of one type, or all). */
  live(type?: string): number {
    if (type) return this.types.get(type)?.live.size ?? 0;
    let n = 0;
    for (const t of this.types.values()) n += t.live.size;
    return n;
  }

  /** Whether `agent:id` is live now. */
  isLive(agent: string, id: string): boolean {
    return this.types.get(agent)?.live.has(id) ?? false;
  }

  /** Messages waiting in mailboxes (all types). */
  get queued(): number {
    return this.queuedCount;
  }

  /** The state of a live instance (for inspection and tests), else its passivated state. */
  stateOf(agent: string, id: string): unknown {
    const t = this.types.get(agent);
    return t?.live.get(id)?.state ?? this.states.get(`${agent}:${id}`);
  }

  /** Counters per type. */
  stats(): Record<string, AgentTypeStats> {
    const out: Record<string, AgentTypeStats> = {};
    for (const [name, t] of this.types) {
      let queued = 0;
      let busy = 0;
      for (const i of t.live.values()) {
        queued += i.mailbox.length - i.head;
        if (i.busy) busy++;
      }
      out[name] = { live: t.live.size, queued, busy, turns: t.turns, activations: t.activations, passivations: t.passivations, kills: t.kills };
    }
    return out;
  }

  /**
   * Crashes an instance: its in-memory state (since the last passivation) and its queued messages
   * are lost; a turn in progress finishes but its state is discarded. The next message restarts it
   * (`onActivate` runs with reason `restart`).
   */
  kill(agent: string, id: string): boolean {
    const t = this.types.get(agent);
    const i = t?.live.get(id);
    if (!t || !i) return false;
    i.epoch++;
    t.live.delete(id);
    t.kills++;
    t.killedIds.add(id);
    const lost = i.mailbox.length - i.head;
    this.queuedCount -= lost;
    for (let k = i.head; k < i.mailbox.length; k++) i.mailbox[k]!.resolve?.(failed('agent_killed', `${agent}:${id} was killed`));
    i.mailbox.length = 0;
    i.head = 0;
    this.checkIdle();
    return true;
  }

  /** Passivates instances idle for at least their type's `idleMs`; returns how many. */
  reapIdle(): number {
    const now = this.clock.now();
    let n = 0;
    for (const t of this.types.values()) {
      const idle = t.policy.idleMs;
      if (idle === undefined) continue;
      for (const i of t.live.values()) if (!i.busy && i.mailbox.length === i.head && now - i.lastActive >= idle) n += this.passivate(i) ? 1 : 0;
    }
    return n;
  }

  /** Resolves when no turn runs and no message waits. */
  whenIdle(): Promise<void> {
    if (this.busyCount === 0 && this.queuedCount === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /**
   * Graceful drain: new messages are refused (`draining`), queued ones are handled, then every
   * instance is passivated (state kept).
   */
  async drain(): Promise<void> {
    this.draining = true;
    await this.whenIdle();
    for (const t of this.types.values()) for (const i of [...t.live.values()]) this.passivate(i);
    if (this.reaper) this.clock.clearTimer(this.reaper);
    this.reaper = null;
  }

  /** Accepts messages again after `drain`. */
  resume(): void {
    this.draining = false;
  }

  private scheduleReaper(idleMs: number): void {
    if (this.reaper) return;
    const every = Math.max(10, Math.floor(idleMs / 2));
    const tick = (): void => {
      this.reapIdle();
      let any = false;
      for (const t of this.types.values()) if (t.live.size && t.policy.idleMs !== undefined) any = true;
      this.reaper = any ? this.clock.setTimer(every, tick) : null;
    };
    this.reaper = this.clock.setTimer(every, tick);
  }

  private enqueue(agent: string, id: string, handler: string, message: AgentMessage, opts: InvokeOptions, resolve: ((r: AgentReply) => void) | null): void {
    const t = this.types.get(agent);
    if (!t) {
      const e = new NotFoundError(`no agent type '${agent}' in this pool; types: ${[...this.types.keys()].join(', ') || '(none)'}`);
      if (resolve) resolve(failed('not_found', e.message));
      else this.opts.onError?.(e);
      return;
    }
    if (this.draining) {
      resolve?.(failed('draining', `the pool is draining; ${agent}:${id} takes no new messages`));
      return;
    }
    let i = t.live.get(id);
    if (!i) i = this.activate(t, id);
    i.mailbox.push({ handler, message, opts, resolve, enqueuedAt: this.clock.now() });
    this.queuedCount++;
    if (!i.busy) void this.clock.track(this.run(i));
  }

  private activate(t: Registered, id: string): Instance {
    const key = `${t.def.name}:${id}`;
    const kept = this.states.get(key);
    const reason: ActivationReason = t.killedIds.delete(id) ? 'restart' : kept === undefined ? 'spawn' : 'reactivate';
    const i: Instance = { type: t, id, key, state: kept === undefined ? structuredClone(t.def.state) : kept, mailbox: [], head: 0, busy: false, lastActive: this.clock.now(), epoch: 0 };
    t.live.set(id, i);
    t.activations++;
    if (t.policy.max !== undefined && t.live.size > t.policy.max) this.evictOne(t, i);
    if (t.def.handlers.onActivate) {
      i.mailbox.push({ handler: 'onActivate', message: { role: 'agent', parts: [{ kind: 'data', data: { reason } }] }, opts: {}, resolve: null, enqueuedAt: this.clock.now() });
      this.queuedCount++;
    }
    if (t.policy.idleMs !== undefined && !this.reaper) this.scheduleReaper(t.policy.idleMs);
    return i;
  }

  private evictOne(t: Registered, keep: Instance): void {
    let lru: Instance | null = null;
    for (const i of t.live.values()) if (i !== keep && !i.busy && i.mailbox.length === i.head && (!lru || i.lastActive < lru.lastActive)) lru = i;
    if (lru) this.passivate(lru);
  }

  private passivate(i: Instance): boolean {
    if (i.busy || i.mailbox.length !== i.head) return false;
    this.states.put(i.key, i.state);
    i.type.live.delete(i.id);
    i.type.passivations++;
    return true;
  }

  private async run(i: Instance): Promise<void> {
    i.busy = true;
    this.busyCount++;
    try {
      while (i.head < i.mailbox.length) {
        const item = i.mailbox[i.head]!;
        i.mailbox[i.head++] = undefined as unknown as Item;
        this.queuedCount--;
        if (i.head === i.mailbox.length) {
          i.mailbox.length = 0;
          i.head = 0;
        }
        const reply = await this.exec(i, item);
        item.resolve?.(reply);
        if (reply.state === 'failed' && !item.resolve && reply.error?.code === 'agent_error') this.opts.onError?.(new Error(`${i.key}.${item.handler}: ${reply.error.message}`));
      }
    } finally {
      i.busy = false;
      i.lastActive = this.clock.now();
      this.busyCount--;
      this.checkIdle();
    }
  }

  private async exec(i: Instance, item: Item): Promise<AgentReply> {
    const t = i.type;
    const epoch = i.epoch;
    const effects: TurnEffects = {
      sleep: (ms) => this.clock.sleep(ms),
      schedule: async (delayMs, h, m) => {
        this.clock.setTimer(delayMs, () => this.tell(t.def.name, i.id, m, h));
      },
      run: (_n, fn) => fn(),
    };
    const identity: AgentIdentity = {
      tenant: t.policy.tenant ?? this.opts.tenant ?? 'default',
      team: t.policy.team ?? this.opts.team ?? 'default',
      agent: `${t.def.name}-${i.id}`,
      session: item.message.contextId ?? null,
    };
    t.turns++;
    try {
      const r = await runTurn(t.def, item.handler, i.id, item.message, i.state, effects, { identity, models: this.models, mesh: this.meshFor(i), opts: item.opts });
      if (i.epoch === epoch) i.state = r.state as JsonValue;
      return r.reply;
    } catch (e) {
      return failed('agent_error', (e as Error)?.message ?? String(e));
    }
  }

  private checkIdle(): void {
    if (this.busyCount === 0 && this.queuedCount === 0 && this.idleWaiters.length) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }
}
