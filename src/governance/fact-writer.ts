/**
 * Batched writes of per-request rollout facts (arm assignments, graded samples): buffered in memory
 * and written every `flushMs` or when `batchSize` is reached, off the request path. Failures go to
 * `onError` and the rows are retried on the next flush (bounded, oldest dropped past `maxBuffered`).
 */
import type { Assignment, Grade, RolloutRepo } from './rollout-repo.js';

/** Options of a {@link FactWriter}. */
export interface FactWriterOptions {
  repo: Pick<RolloutRepo, 'insertAssignments' | 'insertGrades'>;
  flushMs?: number;
  batchSize?: number;
  maxBuffered?: number;
  onError: (e: unknown) => void;
}

/** Buffers and writes rollout facts. */
export class FactWriter {
  private assignments: Assignment[] = [];
  private grades: Grade[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly o: FactWriterOptions) {}

  /** Buffers an assignment. */
  assign(a: Assignment): void {
    this.assignments.push(a);
    this.schedule(this.assignments.length);
  }

  /** Buffers a grade. */
  grade(g: Grade): void {
    this.grades.push(g);
    this.schedule(this.grades.length);
  }

  /** Tracks work that produces facts later (a grader running), so `flush()` waits for it. */
  track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private schedule(n: number): void {
    if (n >= (this.o.batchSize ?? 500)) {
      void this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.o.flushMs ?? 250);
    this.timer.unref();
  }

  /** Writes everything buffered (and waits for tracked work first). */
  async flush(): Promise<void> {
    if (this.pending.size) await Promise.allSettled([...this.pending]);
    while (this.running) await this.running;
    if (!this.assignments.length && !this.grades.length) return;
    const a = this.assignments;
    const g = this.grades;
    this.assignments = [];
    this.grades = [];
    this.running = (async () => {
      try {
        if (a.length) await this.o.repo.insertAssignments(a);
        if (g.length) await this.o.repo.insertGrades(g);
      } catch (e) {
        const max = this.o.maxBuffered ?? 100_000;
        this.assignments = [...a, ...this.assignments].slice(-max);
        this.grades = [...g, ...this.grades].slice(-max);
        this.o.onError(e);
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
