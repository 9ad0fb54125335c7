import { describe, expect, it } from 'vitest';
import { analyseRollout, armSeries } from './analysis.js';
import { parseConditions } from './conditions.js';
import type { RolloutSample } from './rollout-repo.js';

let id = 0;
function samples(arm: 'stable' | 'canary', n: number, o: { errors?: number; successes?: number; judged?: number; latency?: number; blocks?: number } = {}): RolloutSample[] {
  return Array.from({ length: n }, (_, i) => {
    const err = i < (o.errors ?? 0);
    const blocked = !err && i < (o.errors ?? 0) + (o.blocks ?? 0);
    const judged = i < (o.judged ?? 0);
    return {
      requestId: `r${id++}`, arm, ts: 1000 * i, status: err ? 502 : blocked ? 400 : 200, errorCode: err ? 'upstream_error' : blocked ? 'content_blocked' : null,
      costMicros: 100, latencyMs: o.latency ?? 50, graded: judged ? (i < (o.successes ?? 0) ? 1 : 0) : null, feedback: null,
    };
  });
}
const base = { alpha: 0.05, minSamples: 30, guardMinSamples: 10, guards: [], promotion: [], ended: false, now: 0 };

describe('analyseRollout', () => {
  it('rolls back at once when a guard is breached with significance', () => {
    const a = analyseRollout([...samples('stable', 50), ...samples('canary', 12, { errors: 4 })], { ...base, guards: parseConditions('error_rate > 2%') });
    expect(a.verdict).toBe('rollback');
    expect(a.reason).toMatch(/guard breached: error_rate > 2%.*exact binomial p=/);
    expect(a.canary).toMatchObject({ requests: 12, errors: 4 });
  });

  it('waits for guard_min_samples and does not trip on noise', () => {
    expect(analyseRollout([...samples('canary', 5, { errors: 3 })], { ...base, guards: parseConditions('error_rate > 2%') }).verdict).toBe('continue');
    const noise = analyseRollout([...samples('stable', 200, { errors: 2 }), ...samples('canary', 200, { errors: 3 })], { ...base, guards: parseConditions('error_rate > stable + 1%') });
    expect(noise.verdict).toBe('continue');
  });

  it('counts guardrail blocks and latency guards', () => {
    const blocks = analyseRollout([...samples('stable', 100), ...samples('canary', 100, { blocks: 20 })], { ...base, guards: parseConditions('block_rate > stable + 5%') });
    expect(blocks.verdict).toBe('rollback');
    expect(blocks.canary.blockRate).toBeCloseTo(0.2);
    const slow = analyseRollout([...samples('stable', 100, { latency: 50 }), ...samples('canary', 100, { latency: 90 })], { ...base, guards: parseConditions('latency_ms +20%') });
    expect(slow.verdict).toBe('rollback');
    expect(slow.latencyChange!.estimate).toBeCloseTo(0.8);
  });

  it('promotes only when success improves by the margin with significance and enough judged requests', () => {
    const promotion = parseConditions('success +5%');
    const good = analyseRollout([...samples('stable', 100, { judged: 100, successes: 50 }), ...samples('canary', 100, { judged: 100, successes: 80 })], { ...base, promotion });
    expect(good.verdict).toBe('promote');
    expect(good.successDiff!.estimate).toBeCloseTo(0.3);
    const small = analyseRollout([...samples('stable', 100, { judged: 100, successes: 50 }), ...samples('canary', 100, { judged: 100, successes: 56 })], { ...base, promotion });
    expect(small.verdict).toBe('continue');
    const few = analyseRollout([...samples('stable', 20, { judged: 20, successes: 0 }), ...samples('canary', 20, { judged: 20, successes: 20 })], { ...base, promotion });
    expect(few.verdict).toBe('continue');
    expect(few.promotion[0]!.pending).toBe(true);
  });

  it('decides at the end: promote without a criterion, roll back when the criterion was not met', () => {
    const s = [...samples('stable', 50, { judged: 50, successes: 25 }), ...samples('canary', 50, { judged: 50, successes: 25 })];
    expect(analyseRollout(s, { ...base, ended: true }).verdict).toBe('promote');
    const a = analyseRollout(s, { ...base, ended: true, promotion: parseConditions('success +5%') });
    expect(a.verdict).toBe('rollback');
    expect(a.reason).toMatch(/promotion criterion was not met/);
  });

  it('uses feedback when a request was not graded', () => {
    const s = samples('canary', 4).map((x, i) => ({ ...x, feedback: i < 3 ? 1 : -1 }));
    expect(analyseRollout(s, base).canary).toMatchObject({ judged: 4, successes: 3, successRate: 0.75 });
  });

  it('builds canary-vs-stable series', () => {
    const pts = armSeries([...samples('stable', 30), ...samples('canary', 30, { errors: 30 })], 6);
    expect(pts.length).toBeGreaterThan(1);
    expect(pts.every((p) => p.canary.errorRate === 1 || p.canary.requests === 0)).toBe(true);
    expect(pts.reduce((s, p) => s + p.stable.requests, 0)).toBe(30);
  });
});
