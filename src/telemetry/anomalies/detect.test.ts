import { describe, expect, it } from 'vitest';
import { totalMetrics, type GroupMetrics } from '../analytics/metrics.js';
import { AnomaliesSchema } from './anomaly-spec.js';
import { detectAnomalies, type PeerSubject } from './detect.js';
import { mad, robustZ } from './robust-stats.js';

const base = totalMetrics([], 86_400_000);
const subject = (agent: string, m: Partial<GroupMetrics>, group = 'support'): PeerSubject => ({ tenant: 't', team: 'x', agent, group, metrics: { ...base, requests: 50, sessions: 10, ...m } });
const cfg = AnomaliesSchema.parse({});
const W = { from: 0, to: 86_400_000 };

describe('robust statistics', () => {
  it('computes MAD and the robust z', () => {
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(robustZ(10, [1, 2, 3, 4, 100]).z).toBeCloseTo((0.6745 * 7) / 1, 6);
    expect(robustZ(5, [5, 5, 5]).z).toBeNull();
    expect(robustZ(7, [5, 5, 5, 9]).z).toBeGreaterThan(0); // MAD 0: falls back to the mean absolute deviation
  });
});

describe('detectAnomalies', () => {
  it('flags 3x tokens per session with the default rule and not a 2.5x one', () => {
    const peers = [100, 110, 95, 105, 102].map((v, i) => subject(`p${i}`, { tokensPerSession: v }));
    const found = detectAnomalies([...peers, subject('hog', { tokensPerSession: 320 }), subject('busy', { tokensPerSession: 250 })], cfg, W);
    expect(found.map((a) => `${a.agent}:${a.metric}`)).toEqual(['hog:tokens_per_session']);
    expect(found[0]!.evidence.peers).toHaveLength(6);
    expect(found[0]!.ratio).toBeGreaterThanOrEqual(3);
  });

  it('needs enough samples and enough peers', () => {
    const peers = [100, 110, 95].map((v, i) => subject(`p${i}`, { tokensPerSession: v }));
    expect(detectAnomalies([...peers, subject('hog', { tokensPerSession: 500, sessions: 2 })], cfg, W)).toEqual([]); // 2 sessions < 3
    expect(detectAnomalies([...peers.slice(0, 2), subject('hog', { tokensPerSession: 500 })], cfg, W)).toEqual([]); // 2 peers < 3
    expect(detectAnomalies([...peers, subject('hog', { tokensPerSession: 500 })], cfg, W)).toHaveLength(1);
  });

  it('compares within peer groups only', () => {
    const a = [100, 110, 95].map((v, i) => subject(`a${i}`, { tokensPerSession: v }, 'cheap'));
    const b = [400, 410, 395, 405].map((v, i) => subject(`b${i}`, { tokensPerSession: v }, 'rich'));
    expect(detectAnomalies([...a, ...b], cfg, W)).toEqual([]);
  });

  it('uses MAD with guards for error rate and latency', () => {
    const peers = [0, 0.01, 0, 0.02, 0].map((v, i) => subject(`p${i}`, { errorRate: v, latencyP95Ms: 1000 + i * 20 }));
    const found = detectAnomalies([...peers, subject('broken', { errorRate: 0.4, latencyP95Ms: 5000 }), subject('meh', { errorRate: 0.05, latencyP95Ms: 1150 })], cfg, W);
    expect(found.map((a) => `${a.agent}:${a.metric}`).sort()).toEqual(['broken:error_rate', 'broken:latency_p95']);
    const lat = found.find((a) => a.metric === 'latency_p95')!;
    expect(lat.robust_z!).toBeGreaterThan(3.5);
  });

  it('supports low-side rules from the spec', () => {
    const low = AnomaliesSchema.parse({ min_peers: 2, rules: [{ metric: 'tokens_per_session', method: 'ratio', threshold: 2, direction: 'low', min_samples: 1 }] });
    const found = detectAnomalies([100, 105, 98].map((v, i) => subject(`p${i}`, { tokensPerSession: v })).concat(subject('lazy', { tokensPerSession: 30 })), low, W);
    expect(found.map((a) => a.agent)).toEqual(['lazy']);
  });
});
