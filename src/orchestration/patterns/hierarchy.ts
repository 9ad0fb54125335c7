/**
 * Hierarchical coordination: a supervisor delegates tasks to leads, each lead to its workers
 * (agents). Leads report progress; a worker that fails or stalls (no answer within the task
 * timeout) has its task re-assigned, to another worker of the lead or, when the lead has none
 * left, to another lead; a task that keeps failing is escalated to the supervisor's authority (an
 * agent, or a person through the approvals), who decides whether to retry or abandon it.
 */
import type { AgentHost } from '../../runtime/agent-host.js';
import type { JsonValue } from '../../runtime/types.js';
import { RealClock, type Clock } from '../clock.js';
import { callAgent, refName, type AgentRef } from './agent-call.js';
import type { ResolutionLog } from './resolution-record.js';

/** A task to delegate. */
export interface HierarchyTask {
  id: string;
  input: JsonValue;
}

/** One thing that happened. */
export interface HierarchyEvent {
  at: number;
  kind: 'delegated' | 'completed' | 'failed' | 'stalled' | 'reassigned' | 'escalated' | 'abandoned' | 'progress';
  task?: string;
  lead?: string;
  worker?: string;
  detail?: string;
}

/** The supervisor's decision on an escalated task. */
export type EscalationDecision = { decision: 'retry' | 'abandon'; by: string; reason: string };

/** What a hierarchy needs. */
export interface HierarchyOptions {
  host: AgentHost;
  clock?: Clock;
  supervisor: string;
  leads: { id: string; workers: AgentRef[] }[];
  /** A worker that has not answered after this long has stalled, ms. */
  taskTimeoutMs: number;
  /** Attempts before a task is escalated (default 3). */
  maxAttempts?: number;
  /** The supervisor's authority: decides escalated tasks (default: abandon). */
  escalate?: (task: HierarchyTask, failures: string[]) => Promise<EscalationDecision>;
  /** Escalations a task may have (default 1). */
  maxEscalations?: number;
  log?: ResolutionLog;
}

/** The outcome of a run. */
export interface HierarchyReport {
  results: Record<string, JsonValue>;
  abandoned: string[];
  events: HierarchyEvent[];
  /** Tasks done per lead. */
  byLead: Record<string, number>;
}

/**
 * @example
 * ```ts
 * const h = new Hierarchy({ host: pool, supervisor: 'boss', taskTimeoutMs: 5_000,
 *   leads: [{ id: 'lead-a', workers: [{ agent: 'worker', id: '1' }, { agent: 'worker', id: '2' }] }] });
 * const report = await h.run([{ id: 't1', input: { n: 1 } }]);
 * ```
 */
export class Hierarchy {
  private readonly clock: Clock;
  private readonly load = new Map<string, number>();
  private readonly suspect = new Map<string, number>();
  private readonly events: HierarchyEvent[] = [];

  constructor(private readonly o: HierarchyOptions) {
    this.clock = o.clock ?? new RealClock();
  }

  /** Runs every task to completion or abandonment (tasks run concurrently, one per worker at a time). */
  async run(tasks: readonly HierarchyTask[]): Promise<HierarchyReport> {
    const results: Record<string, JsonValue> = {};
    const abandoned: string[] = [];
    const byLead: Record<string, number> = Object.fromEntries(this.o.leads.map((l) => [l.id, 0]));
    const total = tasks.length;
    await Promise.all(
      tasks.map(async (task) => {
        const r = await this.runTask(task);
        if (r.ok) {
          results[task.id] = r.value;
          byLead[r.lead] = (byLead[r.lead] ?? 0) + 1;
          const done = Object.keys(results).length;
          this.event({ kind: 'progress', lead: r.lead, detail: `${r.lead} reports ${byLead[r.lead]} done; ${done}/${total} overall` });
        } else abandoned.push(task.id);
      }),
    );
    return { results, abandoned, events: this.events, byLead };
  }

  private event(e: Omit<HierarchyEvent, 'at'>): void {
    this.events.push({ at: this.clock.now(), ...e });
  }

  private async runTask(task: HierarchyTask): Promise<{ ok: true; value: JsonValue; lead: string } | { ok: false }> {
    const failures: string[] = [];
    const max = this.o.maxAttempts ?? 3;
    let escalations = 0;
    let previous: string | null = null;
    for (let attempt = 1; ; attempt++) {
      if (attempt > max * (escalations + 1)) {
        if (escalations >= (this.o.maxEscalations ?? 1) || !this.o.escalate) return this.abandon(task, failures, 'no authority left to ask');
        escalations++;
        this.event({ kind: 'escalated', task: task.id, detail: `to ${this.o.supervisor} after ${failures.length} failures` });
        const d = await this.o.escalate(task, failures);
        this.o.log?.record({ pattern: 'escalation', subject: task.id, outcome: d.decision, reasons: [d.reason, ...failures.slice(-3)], participants: [this.o.supervisor, d.by], at: this.clock.now() });
        if (d.decision === 'abandon') return this.abandon(task, failures, `${d.by}: ${d.reason}`);
      }
      const pick = await this.pick(previous);
      const key = refName(pick.worker);
      if (previous) this.event({ kind: 'reassigned', task: task.id, lead: pick.lead, worker: key, detail: `from ${previous}` });
      this.event({ kind: 'delegated', task: task.id, lead: pick.lead, worker: key });
      const r = await callAgent(this.o.host, this.clock, pick.worker, { t: 'task', task: task.id, input: task.input }, this.o.taskTimeoutMs, this.o.supervisor);
      this.load.set(key, (this.load.get(key) ?? 1) - 1);
      if (r.ok) {
        this.event({ kind: 'completed', task: task.id, lead: pick.lead, worker: key });
        return { ok: true, value: r.data.result ?? r.data, lead: pick.lead };
      }
      this.suspect.set(key, this.clock.now());
      failures.push(`${key}: ${r.detail}`);
      this.event({ kind: r.reason === 'timeout' ? 'stalled' : 'failed', task: task.id, lead: pick.lead, worker: key, detail: r.detail });
      previous = key;
    }
  }

  private abandon(task: HierarchyTask, failures: string[], why: string): { ok: false } {
    this.event({ kind: 'abandoned', task: task.id, detail: why });
    this.o.log?.record({ pattern: 'hierarchy', subject: task.id, outcome: 'abandoned', reasons: [why, ...failures.slice(-3)], participants: [this.o.supervisor], at: this.clock.now() });
    return { ok: false };
  }

  /** The least loaded lead with a healthy worker, and its least loaded worker (not `avoid`); waits while all are busy. */
  private async pick(avoid: string | null): Promise<{ lead: string; worker: AgentRef }> {
    for (;;) {
      let best: { lead: string; worker: AgentRef; score: number } | null = null;
      const now = this.clock.now();
      for (const l of this.o.leads) {
        const leadLoad = l.workers.reduce((s, w) => s + (this.load.get(refName(w)) ?? 0), 0);
        for (const w of l.workers) {
          const k = refName(w);
          const sus = this.suspect.get(k);
          const recentlyBad = sus !== undefined && now - sus < this.o.taskTimeoutMs * 4;
          const busy = this.load.get(k) ?? 0;
          if (busy > 0) continue;
          const score = leadLoad * 10 + (recentlyBad ? 1000 : 0) + (k === avoid ? 5000 : 0);
          if (!best || score < best.score) best = { lead: l.id, worker: w, score };
        }
      }
      if (best) {
        const k = refName(best.worker);
        this.load.set(k, (this.load.get(k) ?? 0) + 1); // taken now, before anyone else picks
        return { lead: best.lead, worker: best.worker };
      }
      await this.clock.sleep(Math.max(1, Math.floor(this.o.taskTimeoutMs / 20)));
    }
  }
}
