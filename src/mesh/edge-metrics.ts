/**
 * Per-edge metrics of the mesh (caller → callee): rate, latency p50/p99, errors, over a sliding
 * window, with the status of the callee route's SLO. Recording is O(1) and allocation-free.
 */
import type { SloSpec } from './mesh-spec.js';

const SLOTS = 60; // one-second slots: a one-minute window
const SAMPLES = 512; // latest latencies kept per edge for percentiles

/** One edge as the API reports it. */
export interface EdgeReport {
  caller: string;
  callee: string;
  /** Calls in the window. */
  calls: number;
  /** Calls per second over the window. */
  rate: number;
  errors: number;
  errorRate: number;
  p50Ms: number;
  p99Ms: number;
  /** Total calls since start. */
  total: number;
  slo: { p99Ms?: number | undefined; errorRate?: number | undefined; status: 'ok' | 'violated' | 'no-objective' | 'no-traffic' };
  lastCallAt: number;
}

class Edge {
  readonly calls = new Uint32Array(SLOTS);
  readonly errors = new Uint32Array(SLOTS);
  readonly slotSecond = new Float64Array(SLOTS);
  readonly samples = new Float64Array(SAMPLES);
  sampleCount = 0;
  total = 0;
  lastCallAt = 0;
  constructor(
    readonly caller: string,
    readonly callee: string,
  ) {}
}

/**
 * Records calls per edge and reports them.
 * @example
 * ```ts
 * const edges = new EdgeMetrics();
 * edges.record('buyer', 'seller', 12.5, true);
 * edges.report(() => ({ p99_ms: 300 }));
 * ```
 */
export class EdgeMetrics {
  private readonly edges = new Map<string, Edge>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records one call on caller → callee. */
  record(caller: string, callee: string, latencyMs: number, ok: boolean): void {
    const key = caller + '\u0000' + callee;
    let e = this.edges.get(key);
    if (!e) {
      if (this.edges.size > 10_000) this.edges.clear();
      e = new Edge(caller, callee);
      this.edges.set(key, e);
    }
    const now = this.now();
    const sec = Math.floor(now / 1000);
    const slot = sec % SLOTS;
    if (e.slotSecond[slot] !== sec) {
      e.slotSecond[slot] = sec;
      e.calls[slot] = 0;
      e.errors[slot] = 0;
    }
    e.calls[slot]!++;
    if (!ok) e.errors[slot]!++;
    e.samples[e.sampleCount % SAMPLES] = latencyMs;
    e.sampleCount++;
    e.total++;
    e.lastCallAt = now;
  }

  /** Every edge with its window figures and SLO status (`sloOf(callee)` gives the route's objective). */
  report(sloOf: (callee: string) => SloSpec | undefined = () => undefined): EdgeReport[] {
    const nowSec = Math.floor(this.now() / 1000);
    const out: EdgeReport[] = [];
    for (const e of this.edges.values()) {
      let calls = 0;
      let errors = 0;
      for (let i = 0; i < SLOTS; i++) {
        if (nowSec - e.slotSecond[i]! < SLOTS) {
          calls += e.calls[i]!;
          errors += e.errors[i]!;
        }
      }
      const n = Math.min(e.sampleCount, SAMPLES);
      const sorted = Array.from(e.samples.subarray(0, n)).sort((a, b) => a - b);
      const q = (p: number) => (n ? sorted[Math.min(n - 1, Math.floor(p * n))]! : 0);
      const p50 = q(0.5);
      const p99 = q(0.99);
      const errorRate = calls ? errors / calls : 0;
      const slo = sloOf(e.callee);
      let status: EdgeReport['slo']['status'] = 'no-objective';
      if (slo && (slo.p99_ms !== undefined || slo.error_rate !== undefined)) {
        if (calls === 0) status = 'no-traffic';
        else status = (slo.p99_ms !== undefined && p99 > slo.p99_ms) || (slo.error_rate !== undefined && errorRate > slo.error_rate) ? 'violated' : 'ok';
      }
      out.push({
        caller: e.caller, callee: e.callee, calls, rate: calls / SLOTS, errors, errorRate: round(errorRate, 4), p50Ms: round(p50, 3), p99Ms: round(p99, 3),
        total: e.total, slo: { p99Ms: slo?.p99_ms, errorRate: slo?.error_rate, status }, lastCallAt: e.lastCallAt,
      });
    }
    return out.sort((a, b) => b.calls - a.calls);
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
