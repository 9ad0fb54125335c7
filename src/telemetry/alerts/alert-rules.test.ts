/**
 * `anomaly` and team-scope rules on a real SQLite store, with a manual clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../metering/usage-record.js';
import { parseSpecText } from '../../spec/loader.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/types.js';
import { Analytics } from '../analytics/analytics.js';
import { ManualClock } from '../analytics/clock.js';
import type { Anomaly } from '../anomalies/types.js';
import { AlertEngine } from './alert-engine.js';
import { AlertRepo } from './alert-repo.js';
import type { AlertView } from './alert-view.js';

const T0 = Date.parse('2026-05-01T00:00:00Z');
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daca-rules-'));
  store = await openStore({ dataDir: dir });
  await store.migrate();
});
afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const use = (i: number, team: string, latencyMs: number): UsageRecord => ({
  id: `r${team}${i}`, ts: T0 - 1000 - i, tenant: 't', team, agent: `${team}-bot`, keyId: 'k', session: null, tags: {}, route: 'chat', requestedModel: 'm', model: 'm',
  provider: 'sim', upstreamModel: 'm', stream: true, status: 200, errorCode: null, inputTokens: 1, outputTokens: 1, cachedTokens: 0, estimated: false,
  ttftMs: latencyMs, latencyMs, upstreamMs: latencyMs, overheadMs: 0, costMicros: 1, finishReason: 'stop', cache: 'miss',
});

describe('alert rule kinds', () => {
  it('fires per team on TTFT p95 and per anomaly, and resolves each when it clears', async () => {
    const clock = new ManualClock(T0);
    const spec = parseSpecText('alerts:\n  rules:\n    - { name: slow, expr: "team.ttft_p95 > 2s over 10m" }\n    - { name: odd, expr: anomaly.tokens_per_session }\n', 'a.yaml', {}).spec;
    let anomalies: Anomaly[] = [];
    const published: AlertView[] = [];
    const engine = new AlertEngine({
      analytics: new Analytics({ store, spec: () => spec }), repo: new AlertRepo(store), clock, config: () => spec.alerts,
      anomalies: () => anomalies, publish: (_t, a) => published.push(a),
    });
    await store.usage.insertBatch([...Array.from({ length: 20 }, (_, i) => use(i, 'slowpokes', 2500 + i)), ...Array.from({ length: 20 }, (_, i) => use(i, 'speedy', 300))]);
    anomalies = [{ agent: 'a5', metric: 'tokens_per_session', value: 400, peer_median: 100, active: true, peer_group: 'g', rule: 'r' } as Anomaly, { agent: 'a6', metric: 'error_rate', value: 1, peer_median: 0, active: true } as Anomaly];
    await engine.evaluate();
    let firing = await engine.list({ state: 'firing' });
    expect(firing.map((a) => `${a.rule} ${a.subject.kind}:${a.subject.id}`).sort()).toEqual(['odd anomaly:a5:tokens_per_session', 'slow team:slowpokes']);
    expect(firing.find((a) => a.rule === 'slow')!.threshold).toBe(2000);
    anomalies = [];
    await clock.advance(11 * 60_000);
    await engine.evaluate();
    firing = await engine.list({ state: 'firing' });
    expect(firing).toEqual([]);
    expect(published.map((a) => `${a.rule}:${a.state}`).sort()).toEqual(['odd:firing', 'odd:resolved', 'slow:firing', 'slow:resolved']);
  });

  it('picks up alerts that were firing before a restart instead of firing them again', async () => {
    const clock = new ManualClock(T0);
    const spec = parseSpecText('alerts:\n  rules:\n    - { name: odd2, expr: anomaly }\n', 'a.yaml', {}).spec;
    const anomalies = [{ agent: 'x', metric: 'cost_per_day', value: 9, peer_median: 1, active: true } as Anomaly];
    const make = () => new AlertEngine({ analytics: new Analytics({ store, spec: () => spec }), repo: new AlertRepo(store), clock, config: () => spec.alerts, anomalies: () => anomalies });
    const first = make();
    await first.evaluate();
    const published: string[] = [];
    const second = new AlertEngine({ analytics: new Analytics({ store, spec: () => spec }), repo: new AlertRepo(store), clock, config: () => spec.alerts, anomalies: () => anomalies, publish: (_t, a) => published.push(a.id) });
    await second.evaluate();
    expect(published).toEqual([]);
    expect((await second.list({ state: 'firing' })).filter((a) => a.rule === 'odd2')).toHaveLength(1);
  });
});
