import { describe, expect, it } from 'vitest';
import type { UsageRepo } from '../store/types.js';
import type { UsageRecord } from './usage-record.js';
import { UsageRecorder } from './usage-recorder.js';

function rec(id: string): UsageRecord {
  return { id, ts: 1, tenant: 't', team: 'tm', agent: 'a', keyId: 'k', session: null, tags: {}, route: 'chat', requestedModel: 'm', model: 'm', provider: 'p', upstreamModel: 'm', stream: false, status: 200, errorCode: null, inputTokens: 1, outputTokens: 1, cachedTokens: 0, estimated: false, ttftMs: 1, latencyMs: 1, upstreamMs: 1, overheadMs: 0, costMicros: 1, finishReason: 'stop', cache: 'miss' };
}

function repo(opts: { failTimes?: number } = {}) {
  const stored = new Map<string, UsageRecord>();
  const batches: number[] = [];
  let fails = opts.failTimes ?? 0;
  const r: Pick<UsageRepo, 'insertBatch'> = {
    async insertBatch(rows) {
      if (fails > 0) {
        fails--;
        throw new Error('store down');
      }
      batches.push(rows.length);
      let n = 0;
      for (const x of rows) if (!stored.has(x.id)) (stored.set(x.id, x), n++);
      return n;
    },
  };
  return { r: r as UsageRepo, stored, batches };
}

describe('UsageRecorder', () => {
  it('batches records and flushes when the batch is full', async () => {
    const { r, stored, batches } = repo();
    const u = new UsageRecorder({ repo: r, batchSize: 3, flushMs: 60_000 });
    u.record(rec('1'));
    u.record(rec('2'));
    expect(stored.size).toBe(0);
    u.record(rec('3'));
    await u.flush();
    expect(stored.size).toBe(3);
    expect(batches).toEqual([3]);
    await u.close();
  });

  it('strict records resolve only once stored', async () => {
    const { r, stored } = repo();
    const u = new UsageRecorder({ repo: r, batchSize: 100, flushMs: 60_000 });
    await u.record(rec('s'), { wait: true });
    expect(stored.has('s')).toBe(true);
    await u.close();
  });

  it('keeps rows when the store fails and writes them on a later flush; errors go to onError', async () => {
    const { r, stored } = repo({ failTimes: 2 });
    const errors: unknown[] = [];
    const u = new UsageRecorder({ repo: r, batchSize: 100, flushMs: 60_000, onError: (e) => errors.push(e) });
    u.record(rec('a'));
    u.record(rec('b'));
    await u.flush();
    await u.flush();
    expect(stored.size).toBe(0);
    expect(u.pending).toBe(2);
    await u.flush();
    expect([...stored.keys()].sort()).toEqual(['a', 'b']);
    expect(errors).toHaveLength(2);
    await u.close();
  });

  it('close() flushes everything buffered', async () => {
    const { r, stored } = repo();
    const u = new UsageRecorder({ repo: r, batchSize: 1000, flushMs: 60_000 });
    for (let i = 0; i < 25; i++) u.record(rec(String(i)));
    await u.close();
    expect(stored.size).toBe(25);
  });

  it('notifies onRecord for every record and survives a throwing listener', async () => {
    const { r } = repo();
    const seen: string[] = [];
    const errors: unknown[] = [];
    const u = new UsageRecorder({ repo: r, onRecord: (x) => { seen.push(x.id); if (x.id === 'boom') throw new Error('listener'); }, onError: (e) => errors.push(e) });
    u.record(rec('x'));
    u.record(rec('boom'));
    expect(seen).toEqual(['x', 'boom']);
    expect(errors).toHaveLength(1);
    await u.close();
  });
});
