/**
 * A small closed-loop HTTP load generator with microsecond latencies (autocannon rounds latencies to
 * whole milliseconds, too coarse for a sub-millisecond overhead). `c` workers each send requests
 * back to back over their own keep-alive connection for a fixed time; the same generator drives
 * every arm of a comparison, so its own cost cancels out in differences and ratios.
 */
import { Agent, request } from 'node:http';
import { median, quantileFloorIndexSorted } from '../src/util/quantiles.js';

/** One arm's figures. */
export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Median time to the first body byte (streaming runs). */
  ttfb_p50_ms?: number;
}

/** What to send. */
export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  concurrency: number;
  durationMs: number;
  /** Record time to first body byte too. */
  ttfb?: boolean;
}

/** The `p`th percentile (0..100) of sorted latencies (index ⌊p/100 · n⌋); NaN for none. */
function pct(sorted: Float64Array, p: number): number {
  return quantileFloorIndexSorted(sorted, p / 100) ?? NaN;
}

/** Runs a closed loop at the given concurrency and returns its figures. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const u = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const lat: number[] = [];
  const ttfb: number[] = [];
  let errors = 0;
  const headers = { ...spec.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(spec.body)) };
  const deadline = performance.now() + spec.durationMs;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      let first = 0;
      const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
        res.on('data', () => {
          if (!first) first = performance.now();
        });
        res.on('end', () => {
          const t = performance.now();
          if (res.statusCode === 200) {
            lat.push(t - t0);
            if (spec.ttfb) ttfb.push((first || t) - t0);
          } else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(spec.body);
    });
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) await one();
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const elapsed = performance.now() - start;
  agent.destroy();
  const sorted = Float64Array.from(lat).sort();
  const r: LoadResult = { requests: lat.length, errors, rps: lat.length / (elapsed / 1000), p50_ms: pct(sorted, 50), p99_ms: pct(sorted, 99) };
  if (spec.ttfb) r.ttfb_p50_ms = pct(Float64Array.from(ttfb).sort(), 50);
  return r;
}

/** Several rounds of the same load as one result: requests and errors summed, rates and latencies their medians. */
export function combineRounds(rs: readonly LoadResult[]): LoadResult {
  const out: LoadResult = {
    requests: rs.reduce((n, r) => n + r.requests, 0),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    rps: median(rs.map((r) => r.rps)) ?? NaN,
    p50_ms: median(rs.map((r) => r.p50_ms)) ?? NaN,
    p99_ms: median(rs.map((r) => r.p99_ms)) ?? NaN,
  };
  if (rs[0]?.ttfb_p50_ms !== undefined) out.ttfb_p50_ms = median(rs.map((r) => r.ttfb_p50_ms!)) ?? NaN;
  return out;
}
