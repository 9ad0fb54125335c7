/**
 * The one conformance suite every `Store` implementation must pass (SQLite and PostgreSQL run the
 * same tests). Test-only: imported by `*.test.ts` files, never by production code.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidRequestError } from '../errors.js';
import type { UsageRecord } from '../metering/usage-record.js';
import type { KeyRow, Store, UsageGroupBy, UsageTotals } from './types.js';
import { expectedReport, makeDataset, makeKey, makeUsage, WINDOW } from './store-suite-data.js';

/** How the suite reaches an implementation. */
export interface StoreSuiteTarget {
  /** Opens a store on the suite's database (each call a new connection/handle to the same data). */
  open: () => Promise<Store>;
  /** Returns an opener for a brand-new, empty database (for concurrent first-migration tests). */
  fresh: () => () => Promise<Store>;
  /** Runs after the suite (e.g. drops the test schema). */
  cleanup?: () => Promise<void>;
}

/**
 * Registers the shared store tests under `describe(name)`.
 *
 * @example
 * ```ts
 * describeStoreSuite('sqlite', { open: () => openSqliteStore(file), fresh: () => () => openSqliteStore(newFile()) });
 * ```
 */
export function describeStoreSuite(name: string, target: StoreSuiteTarget): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    const uniq = randomUUID().slice(0, 8);
    const dataset = makeDataset(uniq);

    beforeAll(async () => {
      store = await target.open();
      await store.usage.insertBatch(dataset);
    });
    afterAll(async () => {
      await store?.close();
      await target.cleanup?.();
    });

    describe('migrations', () => {
      it('are idempotent when run again on a migrated database', async () => {
        await store.migrate();
        await store.migrate();
        const again = await target.open();
        try {
          await again.migrate();
          expect((await again.usage.query({ groupBy: [], ...WINDOW, tenant: `a-${uniq}` })).totals.requests).toBeGreaterThan(0);
        } finally {
          await again.close();
        }
      });

      it('survive three stores migrating one empty database at once', async () => {
        const openFresh = target.fresh();
        const stores = await Promise.all([openFresh(), openFresh(), openFresh()]);
        try {
          await Promise.all(stores.map((s) => s.migrate()));
          expect(await stores[0]!.usage.insertBatch([makeUsage({ id: 'fresh-1' })])).toBe(1);
          expect((await stores[2]!.usage.get('fresh-1'))?.id).toBe('fresh-1');
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      });
    });

    describe('keys', () => {
      const k = (over: Partial<KeyRow>): KeyRow => makeKey({ tenant: `kt-${uniq}`, ...over });

      it('creates, reads by id and by hash, round-tripping every field', async () => {
        const key = k({ id: `k1-${uniq}`, hash: `h1-${uniq}`, models: ['small', 'large'], agent: 'planner', name: 'first', role: 'operator', createdBy: 'key:admin' });
        await store.keys.create(key);
        expect(await store.keys.get(key.id)).toEqual(key);
        expect(await store.keys.findByHash(key.hash)).toEqual(key);
        expect(await store.keys.get('no-such-key')).toBeUndefined();
        expect(await store.keys.findByHash('no-such-hash')).toBeUndefined();
        const nulls = k({ id: `k0-${uniq}`, hash: `h0-${uniq}`, models: null, agent: null, name: null });
        await store.keys.create(nulls);
        expect(await store.keys.get(nulls.id)).toEqual(nulls);
      });

      it('throws ConflictError on a duplicate id or a duplicate hash', async () => {
        await store.keys.create(k({ id: `k2-${uniq}`, hash: `h2-${uniq}` }));
        await expect(store.keys.create(k({ id: `k2-${uniq}`, hash: `other-${uniq}` }))).rejects.toBeInstanceOf(ConflictError);
        await expect(store.keys.create(k({ id: `other-${uniq}`, hash: `h2-${uniq}` }))).rejects.toBeInstanceOf(ConflictError);
        expect(await store.keys.get(`other-${uniq}`)).toBeUndefined();
      });

      it('upserts spec keys by id', async () => {
        const key = k({ id: `k3-${uniq}`, hash: `h3-${uniq}`, source: 'spec', name: 'v1' });
        await store.keys.upsert(key);
        await store.keys.upsert({ ...key, name: 'v2', models: ['small'] });
        expect(await store.keys.get(key.id)).toEqual({ ...key, name: 'v2', models: ['small'] });
        await expect(store.keys.upsert(k({ id: `k3b-${uniq}`, hash: `h3-${uniq}` }))).rejects.toBeInstanceOf(ConflictError);
      });

      it('lists with filters and hides revoked keys unless asked', async () => {
        const tenant = `lt-${uniq}`;
        const mk = (id: string, team: string, agent: string | null, createdAt: number) =>
          makeKey({ id: `${id}-${uniq}`, hash: `hash-${id}-${uniq}`, tenant, team, agent, createdAt });
        await store.keys.create(mk('a', 'red', 'planner', 3));
        await store.keys.create(mk('b', 'red', 'coder', 1));
        await store.keys.create(mk('c', 'blue', 'planner', 2));
        await store.keys.create(makeKey({ id: `d-${uniq}`, hash: `hash-d-${uniq}`, tenant: `other-${uniq}`, team: 'red' }));
        const ids = (rows: KeyRow[]) => rows.map((r) => r.id.split('-')[0]);
        expect(ids(await store.keys.list({ tenant }))).toEqual(['b', 'c', 'a']);
        expect(ids(await store.keys.list({ tenant, team: 'red' }))).toEqual(['b', 'a']);
        expect(ids(await store.keys.list({ tenant, agent: 'planner' }))).toEqual(['c', 'a']);
        expect(await store.keys.revoke(`a-${uniq}`, 1000)).toBe(true);
        expect(ids(await store.keys.list({ tenant }))).toEqual(['b', 'c']);
        expect(ids(await store.keys.list({ tenant, includeRevoked: true }))).toEqual(['b', 'c', 'a']);
        expect((await store.keys.list()).some((r) => r.id === `d-${uniq}`)).toBe(true);
      });

      it('revokes once, keeps the first revocation time, and reports unknown ids', async () => {
        await store.keys.create(k({ id: `k4-${uniq}`, hash: `h4-${uniq}` }));
        expect(await store.keys.revoke(`k4-${uniq}`, 5000)).toBe(true);
        expect(await store.keys.revoke(`k4-${uniq}`, 9000)).toBe(true);
        expect((await store.keys.get(`k4-${uniq}`))?.revokedAt).toBe(5000);
        expect(await store.keys.revoke(`nope-${uniq}`, 5000)).toBe(false);
      });
    });

    describe('usage insertBatch', () => {
      it('round-trips every field of a record', async () => {
        const rec = makeUsage({
          id: `rt-${uniq}`, ts: 1_700_000_000_123, session: null, tags: { env: 'prod', 'a.b': 'c d' }, stream: true,
          status: 502, errorCode: 'upstream_error', estimated: true, ttftMs: null, latencyMs: 12.75, upstreamMs: 12.5,
          overheadMs: 0.25, costMicros: 9_007_199_254_740, finishReason: null, cache: 'hit', route: 'messages',
        });
        expect(await store.usage.insertBatch([rec])).toBe(1);
        expect(await store.usage.get(rec.id)).toEqual(rec);
        expect(await store.usage.get(`missing-${uniq}`)).toBeUndefined();
        expect(await store.usage.insertBatch([])).toBe(0);
      });

      it('counts a repeated id once, within a batch and across batches', async () => {
        const tenant = `idem-${uniq}`;
        const a = makeUsage({ id: `ia-${uniq}`, tenant, costMicros: 10 });
        const b = makeUsage({ id: `ib-${uniq}`, tenant, costMicros: 20 });
        const c = makeUsage({ id: `ic-${uniq}`, tenant, costMicros: 40 });
        expect(await store.usage.insertBatch([a, b, { ...a, costMicros: 999 }])).toBe(2);
        expect(await store.usage.insertBatch([a, c])).toBe(1);
        expect(await store.usage.insertBatch([a, b, c])).toBe(0);
        const r = await store.usage.query({ groupBy: [], tenant });
        expect(r.totals.requests).toBe(3);
        expect(r.totals.costMicros).toBe(70);
        expect((await store.usage.get(a.id))?.costMicros).toBe(10);
      });

      it('sums large integer micro-dollars exactly', async () => {
        const tenant = `money-${uniq}`;
        const big = 3_000_000_000_001; // $3M and one micro-dollar, beyond 32-bit
        await store.usage.insertBatch([1, 2, 3].map((i) => makeUsage({ id: `m${i}-${uniq}`, tenant, costMicros: big })));
        const r = await store.usage.query({ groupBy: ['tenant'], tenant });
        expect(r.totals.costMicros).toBe(9_000_000_000_003);
        expect(r.groups[0]!.costMicros).toBe(9_000_000_000_003);
        expect(typeof r.totals.requests).toBe('number');
        expect(typeof r.totals.inputTokens).toBe('number');
      });

      it('inserts a 20k-row batch (throughput logged)', async () => {
        const tenant = `bulk-${uniq}`;
        const rows: UsageRecord[] = [];
        for (let i = 0; i < 20_000; i++) {
          rows.push(makeUsage({ id: `bulk-${uniq}-${i}`, tenant, ts: 1_600_000_000_000 + i, agent: `a${i % 10}`, costMicros: i }));
        }
        const t0 = performance.now();
        const n = await store.usage.insertBatch(rows);
        const ms = performance.now() - t0;
        console.log(`[store:${name}] insertBatch 20000 rows in ${ms.toFixed(1)} ms = ${Math.round((n / ms) * 1000)} rows/s`);
        expect(n).toBe(20_000);
        const r = await store.usage.query({ groupBy: ['agent'], tenant });
        expect(r.totals.requests).toBe(20_000);
        expect(r.totals.costMicros).toBe((19_999 * 20_000) / 2);
        expect(r.groups).toHaveLength(10);
      });
    });

    describe('usage query', () => {
      const dims: UsageGroupBy[][] = [
        ['agent'], ['team'], ['tenant'], ['model'], ['provider'], ['key'], ['day'], ['session'],
        ['tag:env'], ['tag:feature.flag'], ['agent', 'day'], ['tag:env', 'model'], ['team', 'provider', 'key'], [],
      ];
      for (const groupBy of dims) {
        it(`groups by [${groupBy.join(', ')}] matching a reference aggregation`, async () => {
          const r = await store.usage.query({ groupBy, ...WINDOW });
          const want = expectedReport(dataset, groupBy, () => true);
          expect(r.groupBy).toEqual(groupBy);
          expectTotals(r.totals, want.totals);
          expect(r.groups.length).toBe(want.groups.length);
          const byKey = new Map(r.groups.map((g) => [JSON.stringify(g.key), g]));
          for (const w of want.groups) {
            const got = byKey.get(JSON.stringify(w.key));
            expect(got, `group ${JSON.stringify(w.key)}`).toBeDefined();
            expectTotals(got!, w);
          }
          for (let i = 1; i < r.groups.length; i++) {
            const [p, c] = [r.groups[i - 1]!, r.groups[i]!];
            expect(p.costMicros > c.costMicros || (p.costMicros === c.costMicros && p.requests >= c.requests)).toBe(true);
          }
        });
      }

      it('computes the UTC day at the midnight boundary', async () => {
        const tenant = `day-${uniq}`;
        const midnight = Date.UTC(2023, 11, 31, 24, 0, 0);
        await store.usage.insertBatch([
          makeUsage({ id: `d1-${uniq}`, tenant, ts: midnight - 1 }),
          makeUsage({ id: `d2-${uniq}`, tenant, ts: midnight }),
          makeUsage({ id: `d3-${uniq}`, tenant, ts: midnight + 1 }),
        ]);
        const r = await store.usage.query({ groupBy: ['day'], tenant });
        expect(Object.fromEntries(r.groups.map((g) => [g.key.day, g.requests]))).toEqual({ '2023-12-31': 1, '2024-01-01': 2 });
      });

      it('filters by time window (from inclusive, to exclusive)', async () => {
        const from = dataset[10]!.ts;
        const to = dataset[20]!.ts;
        const r = await store.usage.query({ groupBy: ['agent'], from, to });
        const want = expectedReport(dataset, ['agent'], (u) => u.ts >= from && u.ts < to);
        expect(r.totals.requests).toBe(10);
        expectTotals(r.totals, want.totals);
      });

      it('filters by tenant, team, agent, model and tags, alone and combined', async () => {
        const t = `a-${uniq}`;
        const cases: [Parameters<Store['usage']['query']>[0], (u: UsageRecord) => boolean][] = [
          [{ groupBy: ['agent'], ...WINDOW, tenant: t }, (u) => u.tenant === t],
          [{ groupBy: ['agent'], ...WINDOW, team: 'beta' }, (u) => u.team === 'beta'],
          [{ groupBy: ['model'], ...WINDOW, agent: 'coder' }, (u) => u.agent === 'coder'],
          [{ groupBy: ['agent'], ...WINDOW, model: 'large' }, (u) => u.model === 'large'],
          [{ groupBy: ['agent'], ...WINDOW, tags: { env: 'prod' } }, (u) => u.tags.env === 'prod'],
          [{ groupBy: ['day'], ...WINDOW, tags: { env: 'dev', 'feature.flag': 'x0' } }, (u) => u.tags.env === 'dev' && u.tags['feature.flag'] === 'x0'],
          [{ groupBy: ['key'], ...WINDOW, tenant: t, team: 'beta', model: 'large', tags: { env: 'dev' } },
            (u) => u.tenant === t && u.team === 'beta' && u.model === 'large' && u.tags.env === 'dev'],
        ];
        for (const [q, pred] of cases) {
          const r = await store.usage.query(q);
          const want = expectedReport(dataset, q.groupBy, pred);
          expect(want.totals.requests, JSON.stringify(q)).toBeGreaterThan(0);
          expectTotals(r.totals, want.totals);
          expect(r.groups.length, JSON.stringify(q)).toBe(want.groups.length);
        }
      });

      it('applies limit to groups but totals cover every matched row', async () => {
        const r = await store.usage.query({ groupBy: ['agent'], ...WINDOW, limit: 2 });
        const want = expectedReport(dataset, ['agent'], () => true);
        expect(r.groups).toHaveLength(2);
        expectTotals(r.totals, want.totals);
        expect(r.groups[0]!.costMicros).toBe(Math.max(...want.groups.map((g) => g.costMicros)));
      });

      it('reports zeros and null TTFT for an empty match', async () => {
        const r = await store.usage.query({ groupBy: ['agent'], tenant: `nobody-${uniq}` });
        expect(r.groups).toEqual([]);
        expect(r.totals).toEqual({ requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costMicros: 0, cacheHits: 0, savedByCacheMicros: 0, routed: 0, savedByRoutingMicros: 0, avgLatencyMs: 0, avgTtftMs: null });
      });

      it('rejects unsafe tag names and unknown dimensions', async () => {
        await expect(store.usage.query({ groupBy: ["tag:x') or 1=1 --"] })).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(store.usage.query({ groupBy: ['agent'], tags: { 'a"b': 'x' } })).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(store.usage.query({ groupBy: ['color' as UsageGroupBy] })).rejects.toBeInstanceOf(InvalidRequestError);
      });
    });

    describe('usage list', () => {
      it('lists newest first with filters, session and limit', async () => {
        const t = `a-${uniq}`;
        const all = await store.usage.list({ ...WINDOW, tenant: t });
        const want = dataset.filter((u) => u.tenant === t).sort((x, y) => y.ts - x.ts);
        expect(all.map((u) => u.id)).toEqual(want.map((u) => u.id));
        expect(all[0]).toEqual(want[0]);
        const s1 = await store.usage.list({ ...WINDOW, session: 's1' });
        expect(s1.map((u) => u.id)).toEqual(dataset.filter((u) => u.session === 's1').sort((x, y) => y.ts - x.ts).map((u) => u.id));
        expect(await store.usage.list({ ...WINDOW, tenant: t, limit: 3 })).toEqual(all.slice(0, 3));
      });
    });
  });
}

function expectTotals(got: UsageTotals, want: UsageTotals): void {
  expect({ ...got, avgLatencyMs: 0, avgTtftMs: 0 }).toEqual({ ...want, avgLatencyMs: 0, avgTtftMs: 0 });
  expect(got.avgLatencyMs).toBeCloseTo(want.avgLatencyMs, 6);
  if (want.avgTtftMs === null) expect(got.avgTtftMs).toBeNull();
  else expect(got.avgTtftMs).toBeCloseTo(want.avgTtftMs, 6);
}
