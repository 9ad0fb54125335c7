/**
 * A support desk on a simulated clock: tickets arrive, support agents take them (up to
 * `concurrency` at once each), draft an answer through daca's gateway (the real one, sim provider)
 * and resolve them. A draft the agent's self-check finds wrong is redone once with the escalation
 * model; a wrong draft it misses leaves the customer unsatisfied. A draft that fails (provider
 * down) puts the ticket back in the queue for a retry two minutes later. Crashed agents lose their
 * tickets back to the queue. The controller (support-week.ts) sets the agent count, the
 * concurrency and the drafting model; this file only runs the desk.
 */
import type { SimClock } from '../../orchestration/clock.js';
import type { Rng } from '../../orchestration/rng.js';

/** One ticket. */
export interface Ticket {
  id: number;
  openedAt: number;
  /** Task difficulty in [0, 1] for the sim quality model. */
  difficulty: number;
  attempts: number;
  /** Not before this (retry back-off). */
  notBefore: number;
}

/** A resolved ticket. */
export interface Resolution {
  id: number;
  openedAt: number;
  resolvedAt: number;
  satisfied: boolean;
}

/** The outcome of one draft through the gateway. */
export interface Draft {
  /** False when the call failed (provider down): the ticket is retried. */
  ok: boolean;
  /** The answer was right. */
  correct: boolean;
  costMicros: number;
  /** The model that answered. */
  model: string;
}

/** What the desk drafts with. */
export interface DeskDeps {
  clock: SimClock;
  rng: Rng;
  /** Drafts an answer to `t`; `escalated` asks for the escalation model. */
  draft: (t: Ticket, escalated: boolean) => Promise<Draft>;
  /** Every draft's outcome (for the controller's evidence and failover). */
  onDraft?: (d: Draft, t: Ticket) => void;
}

interface Agent {
  id: string;
  busy: Set<number>;
  retiring: boolean;
}

const RETRY_MS = 2 * 60_000;
/** How much slower each extra ticket in parallel makes an agent. */
const PARALLEL_COST = 0.3;

/** See the module comment. */
export class SupportDesk {
  readonly resolved: Resolution[] = [];
  costMicros = 0;
  private readonly queue: Ticket[] = [];
  private readonly agents = new Map<string, Agent>();
  private readonly working = new Map<number, { ticket: Ticket; agent: string }>();
  private nextAgent = 1;
  private nextTicket = 1;
  private wake: number | null = null;
  /** Tickets each agent works on at once. */
  concurrency = 1;

  constructor(private readonly deps: DeskDeps) {}

  /** Tickets waiting. */
  get queueDepth(): number {
    return this.queue.length;
  }

  /** Agents alive (not retiring). */
  get agentCount(): number {
    return [...this.agents.values()].filter((a) => !a.retiring).length;
  }

  /** Tickets being worked on. */
  get inProgress(): number {
    return this.working.size;
  }

  /** A new ticket. */
  open(difficulty: number): Ticket {
    const t: Ticket = { id: this.nextTicket++, openedAt: this.deps.clock.now(), difficulty, attempts: 0, notBefore: 0 };
    this.queue.push(t);
    this.dispatch();
    return t;
  }

  /** Spawns or reaps agents to `n` (busy agents retire after their tickets). */
  setAgents(n: number): void {
    let alive = [...this.agents.values()].filter((a) => !a.retiring);
    for (const a of this.agents.values()) if (a.retiring && alive.length < n) (a.retiring = false), alive.push(a);
    while (alive.length < n) {
      const a: Agent = { id: `support-agent-${this.nextAgent++}`, busy: new Set(), retiring: false };
      this.agents.set(a.id, a);
      alive.push(a);
    }
    alive = alive.sort((x, y) => x.busy.size - y.busy.size);
    for (const a of alive.slice(0, Math.max(0, alive.length - n))) {
      if (a.busy.size === 0) this.agents.delete(a.id);
      else a.retiring = true;
    }
    this.dispatch();
  }

  /** Kills `k` agents at once; their tickets go back to the queue. Returns the tickets requeued. */
  crash(k: number): number[] {
    const victims = [...this.agents.values()].slice(0, k);
    const lost: number[] = [];
    for (const a of victims) {
      this.agents.delete(a.id);
      for (const id of a.busy) {
        const w = this.working.get(id);
        if (!w) continue;
        this.working.delete(id);
        this.queue.unshift(w.ticket);
        lost.push(id);
      }
    }
    return lost;
  }

  /** Assigns waiting tickets to agents with a free slot. */
  dispatch(): void {
    const now = this.deps.clock.now();
    for (const a of this.agents.values()) {
      if (a.retiring) continue;
      while (a.busy.size < this.concurrency) {
        const i = this.queue.findIndex((t) => t.notBefore <= now);
        if (i < 0) break;
        const t = this.queue.splice(i, 1)[0]!;
        this.start(a, t);
      }
    }
    const later = this.queue.reduce((m, t) => (t.notBefore > now ? Math.min(m, t.notBefore) : m), Infinity);
    if (Number.isFinite(later) && (this.wake === null || this.wake <= now || later < this.wake)) {
      this.wake = later;
      this.deps.clock.setTimer(later - now, () => this.dispatch());
    }
  }

  private start(a: Agent, t: Ticket): void {
    a.busy.add(t.id);
    this.working.set(t.id, { ticket: t, agent: a.id });
    const handle = (15 + this.deps.rng.next() * 25) * 60_000 * (1 + PARALLEL_COST * (this.concurrency - 1));
    this.deps.clock.setTimer(handle, () => this.finish(a, t));
  }

  private async finish(a: Agent, t: Ticket): Promise<void> {
    const w = this.working.get(t.id);
    if (!w || w.agent !== a.id) return; // the agent crashed meanwhile: the ticket is back in the queue
    t.attempts++;
    let d = await this.deps.draft(t, false);
    this.note(d, t);
    // The agent's self-check catches most wrong drafts; those are redone once with the escalation model.
    if (d.ok && !d.correct && this.deps.rng.next() < 0.7) {
      d = await this.deps.draft(t, true);
      this.note(d, t);
    }
    if (this.working.get(t.id)?.agent !== a.id) return;
    this.working.delete(t.id);
    a.busy.delete(t.id);
    if (!d.ok) {
      t.notBefore = this.deps.clock.now() + RETRY_MS;
      this.queue.push(t);
    } else this.resolved.push({ id: t.id, openedAt: t.openedAt, resolvedAt: this.deps.clock.now(), satisfied: d.correct });
    if (a.retiring && a.busy.size === 0) this.agents.delete(a.id);
    this.dispatch();
  }

  private note(d: Draft, t: Ticket): void {
    this.costMicros += d.costMicros;
    this.deps.onDraft?.(d, t);
  }
}
