import { describe, expect, it } from 'vitest';
import { StarvationDetector } from '../safety/starvation.js';
import { drf, weightedMaxMin } from './allocation.js';
import { AgingQueue } from './aging-queue.js';
import { jainIndex } from './jain.js';

describe('fair allocation', () => {
  it("Jain's index is 1 for equal shares and 1/n for one winner", () => {
    expect(jainIndex([3, 3, 3, 3])).toBe(1);
    expect(jainIndex([1, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([])).toBe(1);
    expect(jainIndex([1, 2])).toBeCloseTo(0.9, 5);
  });

  it('weighted max-min gives small demands all they ask and splits the rest by weight', () => {
    expect(weightedMaxMin(10, [{ id: 'a', demand: 2 }, { id: 'b', demand: 8 }, { id: 'c', demand: 8 }])).toEqual({ a: 2, b: 4, c: 4 });
    const w = weightedMaxMin(12, [{ id: 'a', demand: 100, weight: 1 }, { id: 'b', demand: 100, weight: 2 }]);
    expect(w.a).toBeCloseTo(4);
    expect(w.b).toBeCloseTo(8);
  });

  it('DRF reproduces the classic example (9 CPUs, 18 GB; A: 1 CPU 4 GB, B: 3 CPUs 1 GB)', () => {
    const r = drf({ cpu: 9, mem: 18 }, [{ id: 'A', perTask: { cpu: 1, mem: 4 } }, { id: 'B', perTask: { cpu: 3, mem: 1 } }]);
    expect(r.tasks).toEqual({ A: 3, B: 2 });
    expect(r.dominantShare.A).toBeCloseTo(2 / 3);
    expect(r.dominantShare.B).toBeCloseTo(2 / 3);
  });
});

describe('priorities with ageing, and starvation detection', () => {
  /** One consumer serves one item per second; a high-priority agent keeps submitting, a low one submitted once. */
  function serve(agePerSec: number): { served: string[]; starving: string[] } {
    const q = new AgingQueue<string>(agePerSec);
    const det = new StarvationDetector(30_000);
    q.push('low', 0, 0);
    det.waiting('low-agent', 'job', 0);
    const served: string[] = [];
    for (let t = 0; t < 60_000; t += 1_000) {
      q.push(`high-${t}`, 10, t);
      q.push(`high-${t}b`, 10, t);
      const got = q.pop()!;
      served.push(got);
      if (got === 'low') det.served('low-agent', 'job');
      det.check(t);
    }
    return { served, starving: [...det.starved.keys()] };
  }

  it('without ageing the low-priority agent starves, and the detector says so', () => {
    const r = serve(0);
    expect(r.served).not.toContain('low');
    expect(r.starving).toEqual(['low-agent']);
  });

  it('with ageing it is served in time and nobody starves', () => {
    const r = serve(1);
    expect(r.served.indexOf('low')).toBeGreaterThan(0);
    expect(r.served.indexOf('low')).toBeLessThan(30);
    expect(r.starving).toEqual([]);
  });
});
