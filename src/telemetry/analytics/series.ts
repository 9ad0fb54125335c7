/**
 * Time-bucketed series for charts: one point per bucket (`1m`, `5m`, `1h`, `1d`) from the start
 * of the window to its end, empty buckets included.
 */
import { InvalidRequestError } from '../../errors.js';
import { groupMetrics } from './metrics.js';
import type { UsageSample } from './usage-window.js';

/** Bucket sizes in ms. */
export const BUCKETS = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 } as const;

/** A bucket size name. */
export type Bucket = keyof typeof BUCKETS;

/** Most points a series may have. */
export const MAX_POINTS = 2_000;

/** One point of a series. */
export interface SeriesPoint {
  /** Bucket start, ms since the epoch (UTC-aligned). */
  ts: number;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  cost_micros: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
}

/**
 * Parses `bucket=`; picks one that gives at most ~200 points when absent.
 *
 * @throws InvalidRequestError for an unknown bucket or too many points.
 */
export function parseBucket(v: string | undefined, from: number, to: number): Bucket {
  const span = Math.max(1, to - from);
  if (v === undefined || v === '') return (Object.keys(BUCKETS) as Bucket[]).find((b) => span / BUCKETS[b] <= 200) ?? '1d';
  if (!(v in BUCKETS)) throw new InvalidRequestError(`bucket must be one of ${Object.keys(BUCKETS).join(', ')}; got '${v}'`, { param: 'bucket' });
  const b = v as Bucket;
  if (span / BUCKETS[b] > MAX_POINTS) throw new InvalidRequestError(`bucket '${b}' gives more than ${MAX_POINTS} points for this window; use a larger bucket or a shorter window`, { param: 'bucket' });
  return b;
}

/**
 * The series of rows over `[from, to)` in buckets of `bucket`.
 *
 * @example
 * ```ts
 * const points = timeSeries(w.rows, w.from, w.to, '1h');
 * ```
 */
export function timeSeries(rows: readonly UsageSample[], from: number, to: number, bucket: Bucket): SeriesPoint[] {
  const size = BUCKETS[bucket];
  const start = Math.floor(from / size) * size;
  const byBucket = groupMetrics(rows, (r) => String(Math.floor(r.ts / size) * size), size);
  const out: SeriesPoint[] = [];
  for (let ts = start; ts < to; ts += size) {
    const m = byBucket.get(String(ts));
    out.push({
      ts,
      requests: m?.requests ?? 0,
      errors: m?.errors ?? 0,
      input_tokens: m?.inputTokens ?? 0,
      output_tokens: m?.outputTokens ?? 0,
      cost_usd: (m?.costMicros ?? 0) / 1e6,
      cost_micros: m?.costMicros ?? 0,
      latency_p50_ms: m?.latencyP50Ms ?? null,
      latency_p95_ms: m?.latencyP95Ms ?? null,
      ttft_p50_ms: m?.ttftP50Ms ?? null,
      ttft_p95_ms: m?.ttftP95Ms ?? null,
    });
  }
  return out;
}
