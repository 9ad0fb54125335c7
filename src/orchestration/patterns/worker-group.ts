/**
 * Lifecycle on demand: a group of worker instances (one agent type in an `AgentPool`) takes jobs
 * from a bus subject (a durable consumer). It spawns workers while the backlog per worker is above
 * a threshold (up to `max`), passivates idle ones down to `min` (their state is kept and comes
 * back with the next job), and drains gracefully. Workers inherit the group's tenant and team, so
 * the group's budgets and policies apply to every spawned instance.
 */
import type { Bus, Subscription } from '../../bus/types.js';
import type { AgentDefinition } from '../../runtime/define-agent.js';
import type { JsonValue } from '../../runtime/types.js';
import type { AgentPool } from '../agent-pool.js';

/** The group's sizing. */
export interface WorkerGroupOptions {
  bus: Bus;
  pool: AgentPool;
  worker: AgentDefinition<unknown>;
  subject: string;
  min: number;
  max: number;
  /** Spawn another worker while jobs waiting per worker exceed this. */
  backlogPerWorker: number;
  /** Inherited by every worker. */
  tenant?: string;
  team?: string;
  /** Passivate workers idle this long, ms. */
  idleMs?: number;
}

/** Live figures. */
export interface WorkerGroupStats {
  workers: number;
  active: number;
  backlog: number;
  spawned: number;
  peak: number;
  done: number;
}

/**
 * @example
 * ```ts
 * const g = await WorkerGroup.start({ bus, pool, worker: resizer, subject: 'jobs.resize', min: 1, max: 20, backlogPerWorker: 4 });
 * ```
 */
export class WorkerGroup {
  private readonly queue: { data: JsonValue; done: () => void }[] = [];
  private readonly idle: string[] = [];
  private readonly busy = new Set<string>();
  private workers = 0;
  private spawned = 0;
  private peak = 0;
  private done = 0;
  private sub: Subscription | null = null;
  private draining = false;

  private constructor(private readonly o: WorkerGroupOptions) {}

  /** Registers the worker type (with the group's tenant, team and idle policy) and subscribes. */
  static async start(o: WorkerGroupOptions): Promise<WorkerGroup> {
    const g = new WorkerGroup(o);
    o.pool.register(o.worker, { ...(o.tenant ? { tenant: o.tenant } : {}), ...(o.team ? { team: o.team } : {}), ...(o.idleMs !== undefined ? { idleMs: o.idleMs } : {}) });
    for (let i = 0; i < o.min; i++) g.spawn();
    g.sub = await o.bus.subscribe(
      o.subject,
      (m) =>
        new Promise<void>((resolve) => {
          g.queue.push({ data: m.data as JsonValue, done: resolve });
          g.pump();
        }),
      { durable: `wg_${o.worker.name}`, concurrency: o.max * o.backlogPerWorker * 2 },
    );
    return g;
  }

  /** Figures now. */
  stats(): WorkerGroupStats {
    return { workers: this.workers, active: this.busy.size, backlog: this.queue.length, spawned: this.spawned, peak: this.peak, done: this.done };
  }

  /** Scales down to `min`: idle workers beyond it are passivated (state kept). */
  shrink(): number {
    let n = 0;
    while (this.workers > this.o.min && this.idle.length) {
      this.idle.pop();
      this.workers--;
      n++;
    }
    this.o.pool.reapIdle();
    return n;
  }

  /** Stops taking jobs, finishes the ones taken, passivates every worker. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.sub?.unsubscribe();
    while (this.queue.length || this.busy.size) await new Promise((r) => setTimeout(r, 5));
    await this.o.pool.drain();
  }

  private spawn(): string {
    const id = String(this.workers++);
    this.spawned++;
    this.peak = Math.max(this.peak, this.workers);
    this.idle.push(id);
    return id;
  }

  private pump(): void {
    while (this.queue.length) {
      if (!this.idle.length && this.workers < this.o.max && this.queue.length / Math.max(1, this.workers) > this.o.backlogPerWorker) this.spawn();
      const id = this.idle.shift();
      if (id === undefined) return;
      const job = this.queue.shift()!;
      this.busy.add(id);
      void this.o.pool.invoke(this.o.worker.name, id, { role: 'agent', parts: [{ kind: 'data', data: { job: job.data } }] }).then(() => {
        this.busy.delete(id);
        this.done++;
        if (!this.draining || this.queue.length) this.idle.push(id);
        job.done();
        this.pump();
      });
    }
  }
}
