/**
 * Publish-subscribe coordination: agents announce what they can do (capabilities, with capacity)
 * and what they need on topics of the bus (`orch.caps.<topic>`, `orch.needs.<topic>`); the board
 * matches needs to capabilities, tells both agents, and publishes each match
 * (`orch.matches.<topic>`). Its state is the bus: on start it replays the announcements and the
 * matches (so it knows the capacity left), then takes needs from a durable consumer (so it resumes
 * after a restart and sees every need at least once; a need id counts once). When capacity is
 * short, each need gets its weighted max-min fair share.
 */
import { idempotent } from '../../bus/idempotent.js';
import type { Bus, Subscription } from '../../bus/types.js';
import type { AgentHost } from '../../runtime/agent-host.js';
import { weightedMaxMin } from '../fairness/allocation.js';
import { refName, type AgentRef } from './agent-call.js';
import type { ResolutionLog } from './resolution-record.js';

/** A capability announcement. */
export interface Capability {
  agent: AgentRef;
  topic: string;
  capacity: number;
}

/** A need. */
export interface Need {
  id: string;
  agent: AgentRef;
  topic: string;
  qty: number;
  weight?: number;
}

/** A match the board made. */
export interface Match {
  need: string;
  needer: string;
  provider: string;
  topic: string;
  qty: number;
}

/**
 * @example
 * ```ts
 * const board = await CapabilityBoard.start(bus, pool, { name: 'board' });
 * await announceCapability(bus, { agent: { agent: 'gpu', id: '1' }, topic: 'render', capacity: 4 });
 * await publishNeed(bus, { id: 'n1', agent: { agent: 'app', id: '7' }, topic: 'render', qty: 2 });
 * ```
 */
export class CapabilityBoard {
  private readonly caps = new Map<string, Map<string, Capability & { left: number }>>();
  private readonly used = new Map<string, number>();
  private readonly matched = new Set<string>();
  private readonly counted = new Set<string>();
  private readonly waiting = new Map<string, Need[]>();
  readonly matches: Match[] = [];
  private subs: Subscription[] = [];

  private constructor(private readonly bus: Bus, private readonly host: AgentHost, private readonly log?: ResolutionLog) {}

  /** Replays announcements and matches, then takes needs (durable consumer `<name>_needs`). */
  static async start(bus: Bus, host: AgentHost, o: { name: string; log?: ResolutionLog }): Promise<CapabilityBoard> {
    const b = new CapabilityBoard(bus, host, o.log);
    const marker = `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    let caughtUp = 0;
    let ready: () => void = () => {};
    const both = new Promise<void>((r) => (ready = r));
    const seen = (m: { data: unknown }): boolean => {
      if ((m.data as { marker?: string }).marker !== marker) return false;
      if (++caughtUp === 2) ready();
      return true;
    };
    b.subs.push(await bus.subscribe('orch.caps.>', (m) => void (seen(m) || b.onCapability(m.data as unknown as Capability)), { from: 'all' }));
    b.subs.push(await bus.subscribe('orch.matches.>', (m) => void (seen(m) || b.onMatch(m.data as unknown as Match)), { from: 'all' }));
    await bus.publish(`orch.caps.${marker}`, { marker });
    await bus.publish(`orch.matches.${marker}`, { marker });
    await both;
    b.subs.push(await bus.subscribe('orch.needs.>', idempotent((m) => b.onNeed(m.data as unknown as Need)), { durable: `${o.name}_needs`, from: 'all' }));
    return b;
  }

  /** Stops listening (the durable consumers keep their place). */
  async stop(): Promise<void> {
    for (const s of this.subs) await s.unsubscribe();
    this.subs = [];
  }

  /** Capacity left per topic. */
  capacity(topic: string): number {
    let n = 0;
    for (const c of this.caps.get(topic)?.values() ?? []) n += c.left;
    return n;
  }

  private onCapability(c: Capability): void {
    let m = this.caps.get(c.topic);
    if (!m) this.caps.set(c.topic, (m = new Map()));
    const k = refName(c.agent);
    m.set(k, { ...c, left: Math.max(0, c.capacity - (this.used.get(`${k}/${c.topic}`) ?? 0)) });
    this.allocate(c.topic);
  }

  private onMatch(x: Match): void {
    const id = `${x.need}:${x.provider}:${x.qty}`;
    if (this.counted.has(id)) return; // our own match coming back
    this.counted.add(id);
    const k = `${x.provider}/${x.topic}`;
    this.used.set(k, (this.used.get(k) ?? 0) + x.qty);
    this.matched.add(x.need);
    const c = this.caps.get(x.topic)?.get(x.provider);
    if (c) c.left = Math.max(0, c.capacity - this.used.get(k)!);
  }

  private onNeed(n: Need): void {
    if (this.matched.has(n.id)) return;
    const list = this.waiting.get(n.topic) ?? [];
    if (!list.some((x) => x.id === n.id)) list.push(n);
    this.waiting.set(n.topic, list);
    this.allocate(n.topic);
  }

  /** Shares the topic's capacity among waiting needs (weighted max-min) and tells the agents. */
  private allocate(topic: string): void {
    const needs = this.waiting.get(topic) ?? [];
    const cap = this.capacity(topic);
    if (!needs.length || cap <= 0) return;
    const share = weightedMaxMin(cap, needs.map((n) => ({ id: n.id, demand: n.qty, ...(n.weight !== undefined ? { weight: n.weight } : {}) })));
    const providers = [...(this.caps.get(topic)?.values() ?? [])];
    const still: Need[] = [];
    for (const n of needs) {
      let want = Math.floor(share[n.id] ?? 0);
      const got = want;
      for (const p of providers) {
        if (want <= 0) break;
        const q = Math.min(want, p.left);
        if (q <= 0) continue;
        p.left -= q;
        want -= q;
        const m: Match = { need: n.id, needer: refName(n.agent), provider: refName(p.agent), topic, qty: q };
        this.matches.push(m);
        this.used.set(`${m.provider}/${topic}`, (this.used.get(`${m.provider}/${topic}`) ?? 0) + q);
        this.matched.add(n.id);
        this.counted.add(`${n.id}:${m.provider}:${q}`);
        void this.bus.publish(`orch.matches.${topic}`, m as unknown as { [k: string]: string }, { id: `match:${n.id}:${m.provider}:${q}` }).catch(() => {});
        void this.host.invoke(n.agent.agent, n.agent.id, { role: 'agent', parts: [{ kind: 'data', data: { t: 'matched', ...m } }] }, { caller: 'board' }).catch(() => {});
        void this.host.invoke(p.agent.agent, p.agent.id, { role: 'agent', parts: [{ kind: 'data', data: { t: 'assigned', ...m } }] }, { caller: 'board' }).catch(() => {});
      }
      const rest = n.qty - (got - want);
      if (rest > 0) still.push({ ...n, qty: rest });
      this.log?.record({ pattern: 'pubsub', subject: n.id, outcome: `${got - want} of ${n.qty} matched`, reasons: [`fair share of ${cap} on '${topic}' among ${needs.length} needs: ${share[n.id]?.toFixed(2)}`], participants: [refName(n.agent)], at: Date.now() });
    }
    this.waiting.set(topic, still);
  }
}

/** Announces a capability on the bus. */
export function announceCapability(bus: Bus, c: Capability): Promise<unknown> {
  return bus.publish(`orch.caps.${c.topic}`, c as unknown as { [k: string]: string }, { id: `cap:${refName(c.agent)}:${c.topic}:${c.capacity}` });
}

/** Publishes a need on the bus (its id is the message id, so a retried publish counts once). */
export function publishNeed(bus: Bus, n: Need): Promise<unknown> {
  return bus.publish(`orch.needs.${n.topic}`, n as unknown as { [k: string]: string }, { id: `need:${n.id}` });
}
