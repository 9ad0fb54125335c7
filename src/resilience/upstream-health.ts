/**
 * Recent outcomes of one upstream (provider + model): request and failure counts over a sliding
 * window of fixed buckets, and the last error. Allocation-free on the hot path.
 */

/** The last error an upstream returned. */
export interface LastUpstreamError {
  code: string;
  message: string;
  /** ms since the epoch. */
  at: number;
}

/** A point-in-time view of an upstream's recent health. */
export interface UpstreamHealthSnapshot {
  /** Calls that finished within the window. */
  requests: number;
  failures: number;
  /** failures / requests over the window (0 when idle). */
  errorRate: number;
  windowMs: number;
  lastError: LastUpstreamError | null;
  lastSuccessAt: number | null;
}

/** Counts outcomes of one upstream in `buckets` buckets of `bucketMs` each. */
export class UpstreamHealth {
  private readonly ok: Int32Array;
  private readonly failed: Int32Array;
  private readonly stamp: Float64Array;
  private lastError: LastUpstreamError | null = null;
  private lastSuccessAt: number | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly bucketMs = 10_000,
    private readonly buckets = 6,
  ) {
    this.ok = new Int32Array(buckets);
    this.failed = new Int32Array(buckets);
    this.stamp = new Float64Array(buckets).fill(-1);
  }

  private slot(t: number): number {
    const epoch = Math.floor(t / this.bucketMs);
    const i = epoch % this.buckets;
    if (this.stamp[i] !== epoch) {
      this.stamp[i] = epoch;
      this.ok[i] = 0;
      this.failed[i] = 0;
    }
    return i;
  }

  /** Records a successful call. */
  success(): void {
    const t = this.now();
    this.ok[this.slot(t)]! += 1;
    this.lastSuccessAt = t;
  }

  /** Records a failed call. */
  failure(code: string, message: string): void {
    const t = this.now();
    this.failed[this.slot(t)]! += 1;
    this.lastError = { code, message, at: t };
  }

  /** Counts over the window ending now. */
  snapshot(): UpstreamHealthSnapshot {
    const epoch = Math.floor(this.now() / this.bucketMs);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < this.buckets; i++) {
      const s = this.stamp[i]!;
      if (s >= 0 && epoch - s < this.buckets) {
        ok += this.ok[i]!;
        failed += this.failed[i]!;
      }
    }
    const requests = ok + failed;
    return {
      requests,
      failures: failed,
      errorRate: requests ? failed / requests : 0,
      windowMs: this.bucketMs * this.buckets,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
    };
  }
}
