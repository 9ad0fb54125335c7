/**
 * Fixtures for the store conformance suite: record/key builders, a varied usage dataset, and a
 * plain-JavaScript reference aggregation to check SQL group-bys against. Test-only.
 */
import type { UsageRecord } from '../metering/usage-record.js';
import type { KeyRow, UsageGroup, UsageGroupBy, UsageReport, UsageTotals } from './types.js';

/** Start of the suite dataset: 22:00 UTC on 2024-03-01, so the rows span two UTC days. */
const BASE = Date.UTC(2024, 2, 1, 22, 0, 0);

/** Time window that holds the suite dataset and nothing else the suite writes. */
export const WINDOW = { from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 2, 4) } as const;

/** A usage record with plain defaults (ts outside {@link WINDOW}). */
export function makeUsage(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: 'u', ts: 1_500_000_000_000, tenant: 'acme', team: 'core', agent: 'planner', keyId: 'key-1', session: null,
    tags: {}, route: 'chat', requestedModel: 'small', model: 'small', provider: 'sim', upstreamModel: 'sim-small',
    stream: false, status: 200, errorCode: null, inputTokens: 10, outputTokens: 5, cachedTokens: 0, estimated: false,
    ttftMs: 12, latencyMs: 20, upstreamMs: 19, overheadMs: 1, costMicros: 100, finishReason: 'stop', cache: 'miss',
    routingPolicy: null, routingReason: null, savedByCacheMicros: 0, savedByRoutingMicros: 0,
    ...over,
  };
}

/** A key row with plain defaults. */
export function makeKey(over: Partial<KeyRow> = {}): KeyRow {
  return {
    id: 'key', hash: 'hash', prefix: 'dk-abcd', name: null, tenant: 'acme', team: 'core', agent: null, role: 'agent',
    models: null, createdAt: 1_700_000_000_000, revokedAt: null, source: 'api', createdBy: null, ...over,
  };
}

/** 60 records inside {@link WINDOW} varying every group-by dimension; tenants carry `uniq`. */
export function makeDataset(uniq: string): UsageRecord[] {
  const rows: UsageRecord[] = [];
  for (let i = 0; i < 60; i++) {
    const failed = i % 10 === 9;
    rows.push(makeUsage({
      id: `ds-${uniq}-${i}`,
      ts: BASE + i * 7 * 60_000,
      tenant: i % 5 === 0 ? `b-${uniq}` : `a-${uniq}`,
      team: ['alpha', 'beta', 'gamma'][i % 3]!,
      agent: ['planner', 'coder', 'critic', 'runner'][i % 4]!,
      keyId: `k${i % 3}`,
      session: i % 6 === 0 ? null : `s${i % 4}`,
      tags: i % 3 === 0 ? {} : { env: i % 2 ? 'prod' : 'dev', 'feature.flag': `x${i % 2}` },
      model: Math.floor(i / 3) % 2 ? 'large' : 'small',
      provider: i % 7 < 3 ? 'sim' : 'acme',
      status: failed ? 500 : 200,
      errorCode: failed ? 'upstream_error' : null,
      inputTokens: 100 + i,
      outputTokens: 50 + 2 * i,
      cachedTokens: i % 4,
      ttftMs: i % 4 === 3 ? null : 10 + i,
      latencyMs: 100 + i * 1.5,
      costMicros: 1000 + i * 37 + (i % 4 === 1 ? 5000 : 0),
      ...(i % 8 === 2 ? { cache: 'hit' as const, routingPolicy: 'cache', routingReason: 'exact cache hit: answer stored from large', savedByCacheMicros: 900 + i } : {}),
      ...(i % 8 === 5 ? { routingPolicy: 'cascade', routingReason: `cascade: start at small; escalated small (rejected) → large`, savedByRoutingMicros: i % 16 === 5 ? 400 + i : -(30 + i) } : {}),
    }));
  }
  return rows;
}

function dimValue(u: UsageRecord, dim: UsageGroupBy): string | null {
  switch (dim) {
    case 'day': return new Date(u.ts).toISOString().slice(0, 10);
    case 'key': return u.keyId;
    case 'agent': case 'team': case 'tenant': case 'model': case 'provider': case 'session': return u[dim];
    default: return u.tags[dim.slice(4)] ?? null;
  }
}

function totalsOf(rows: readonly UsageRecord[]): UsageTotals {
  const sum = (f: (u: UsageRecord) => number) => rows.reduce((a, u) => a + f(u), 0);
  const ttft = rows.filter((u) => u.ttftMs !== null);
  return {
    requests: rows.length,
    errors: rows.filter((u) => u.status >= 400 || u.errorCode !== null).length,
    inputTokens: sum((u) => u.inputTokens),
    outputTokens: sum((u) => u.outputTokens),
    cachedTokens: sum((u) => u.cachedTokens),
    costMicros: sum((u) => u.costMicros),
    cacheHits: rows.filter((u) => u.cache === 'hit').length,
    savedByCacheMicros: sum((u) => u.savedByCacheMicros ?? 0),
    routed: rows.filter((u) => u.routingPolicy !== null && u.routingPolicy !== undefined && u.routingPolicy !== 'none' && u.routingPolicy !== 'cache').length,
    savedByRoutingMicros: sum((u) => u.savedByRoutingMicros ?? 0),
    avgLatencyMs: rows.length ? sum((u) => u.latencyMs) / rows.length : 0,
    avgTtftMs: ttft.length ? ttft.reduce((a, u) => a + u.ttftMs!, 0) / ttft.length : null,
  };
}

/** The report a correct store returns for `groupBy` over the rows matching `pred` (groups unordered). */
export function expectedReport(rows: readonly UsageRecord[], groupBy: UsageGroupBy[], pred: (u: UsageRecord) => boolean): UsageReport {
  const matched = rows.filter(pred);
  const buckets = new Map<string, UsageRecord[]>();
  for (const u of matched) {
    const k = JSON.stringify(Object.fromEntries(groupBy.map((d) => [d, dimValue(u, d)])));
    const b = buckets.get(k);
    if (b) b.push(u);
    else buckets.set(k, [u]);
  }
  const groups: UsageGroup[] = [...buckets].map(([k, us]) => ({ key: JSON.parse(k) as Record<string, string | null>, ...totalsOf(us) }));
  return { groupBy, groups, totals: totalsOf(matched) };
}
