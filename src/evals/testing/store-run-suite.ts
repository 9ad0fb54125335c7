/**
 * Shared checks of a run store (JSONL, SQLite, PostgreSQL): open, append, resume, finish, load.
 */
import { expect, it } from 'vitest';
import { ConflictError } from '../../errors.js';
import type { RunMeta } from '../results.js';
import { syntheticRun } from '../testing/synthetic-run.js';
import type { ResultSink, RunSource } from '../sinks/types.js';
import type { StoreRunRepo } from '../sinks/store-sink.js';

/** Registers the run-store checks for the store `open()` returns (one fresh store per call). */
export function describeRunStore(open: () => Promise<ResultSink & RunSource>): void {
  it('stores trials as they finish, resumes by run id, and loads the run back', async () => {
    const store = await open();
    const run = syntheticRun('store-run-1', { cases: 3, personas: ['novice', 'expert'], trials: 2, passed: (c) => c !== 1 });
    const meta: RunMeta = { ...run.meta, finishedAt: null };
    expect(await store.open(meta)).toEqual([]);
    for (const t of run.trials.slice(0, 5)) await store.append(t);

    // a second process resumes: it gets the 5 finished trials back
    const again = await open();
    const done = await again.open({ ...meta, startedAt: meta.startedAt + 999 });
    expect(done.map((t) => t.key).sort()).toEqual(run.trials.slice(0, 5).map((t) => t.key).sort());
    for (const t of run.trials.slice(5)) await again.append(t);
    await again.finish({ ...meta, finishedAt: 1_700_000_200_000 });

    const loaded = (await again.load('store-run-1'))!;
    expect(loaded.meta).toEqual({ ...meta, finishedAt: 1_700_000_200_000 });
    expect(loaded.trials.sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual([...run.trials].sort((a, b) => (a.key < b.key ? -1 : 1)));
    expect(await again.load('no-such-run')).toBeUndefined();

    const other = await open();
    await expect(other.open({ ...meta, agent: { ...meta.agent, model: 'other' } })).rejects.toThrow(ConflictError);
  });
}

/** Registers the check of `StoreRunRepo.listTotals()` (sums in the database equal the trials'). */
export function describeRunTotals(open: () => Promise<StoreRunRepo>): void {
  it('lists runs newest first with trial totals summed in the database', async () => {
    const repo = await open();
    const runs = [
      syntheticRun('totals-a', { cases: 4, personas: ['novice'], trials: 3, passed: (c, _p, t) => c + t < 3, cost: 70, model: 'big' }),
      syntheticRun('totals-b', { cases: 2, personas: ['novice', 'expert'], trials: 1, passed: () => false, cost: 9, model: 'small' }),
    ];
    runs[1]!.meta.startedAt = runs[0]!.meta.startedAt + 1;
    for (const run of runs) {
      await repo.open({ ...run.meta, suite: 'totals' });
      for (const t of run.trials) await repo.append(t);
    }
    const got = await repo.listTotals({ suite: 'totals' });
    expect(got.map((r) => r.meta.id)).toEqual(['totals-b', 'totals-a']);
    for (const run of runs) {
      const row = got.find((r) => r.meta.id === run.meta.id)!;
      expect({ trials: row.trials, passed: row.passed, costMicros: row.costMicros }).toEqual({
        trials: run.trials.length,
        passed: run.trials.filter((t) => t.passed).length,
        costMicros: run.trials.reduce((s, t) => s + t.costMicros, 0),
      });
    }
    expect((await repo.listTotals({ suite: 'totals', model: 'big' })).map((r) => r.meta.id)).toEqual(['totals-a']);
    expect(await repo.listTotals({ suite: 'no-such-suite' })).toEqual([]);
  });
}
