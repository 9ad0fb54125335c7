/**
 * Test support: the observability storage checks, run on SQLite (`store.test.ts`) and on
 * PostgreSQL (`store.integration.test.ts`) so both engines give the same answers — month rollups,
 * percentiles, sessions, feedback aggregates, anomalies and the one-firing-alert-per-subject index.
 */
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../metering/usage-record.js';
import type { Store } from '../../store/types.js';
import { AlertRepo, type AlertRecord } from '../alerts/alert-repo.js';
import { AnomalyRepo } from '../anomalies/anomaly-repo.js';
import type { Anomaly } from '../anomalies/types.js';
import { FeedbackRepo } from '../feedback/feedback-repo.js';
import { parseSpecText } from '../../spec/loader.js';
import { Analytics } from './analytics.js';
import { listSessions, sessionTimeline } from './sessions.js';

const JAN = Date.parse('2026-01-15T12:00:00Z');
const FEB = Date.parse('2026-02-10T08:00:00Z');

function row(i: number, over: Partial<UsageRecord>): UsageRecord {
  return {
    id: `req_${i}`, ts: JAN + i, tenant: 'acme', team: 'fleet', agent: 'a1', keyId: 'k', session: null, tags: {}, route: 'chat',
    requestedModel: 'm', model: 'm', provider: 'sim', upstreamModel: 'm', stream: false, status: 200, errorCode: null,
    inputTokens: 10, outputTokens: 5, cachedTokens: 0, estimated: false, ttftMs: i, latencyMs: i, upstreamMs: i, overheadMs: 0,
    costMicros: 100, finishReason: 'stop', cache: 'miss', ...over,
  };
}

/** Runs the observability storage checks against a store opened by `open`. */
export function describeObservabilityStore(engine: string, open: () => Promise<Store>, cleanup: () => Promise<void> = async () => {}): void {
  describe(`observability storage on ${engine}`, () => {
    it('answers month rollups, percentiles, sessions, feedback, anomalies and alerts the same way', async () => {
      const store = await open();
      try {
        await store.migrate();
        const rows: UsageRecord[] = [];
        for (let i = 1; i <= 100; i++) rows.push(row(i, { latencyMs: i, ttftMs: i / 2, session: i <= 60 ? `s${i % 3}` : null, tags: { customer: i % 2 ? 'c1' : 'c2' } }));
        for (let i = 101; i <= 110; i++) rows.push(row(i, { ts: FEB + i, agent: 'a2', status: i % 2 ? 502 : 200, errorCode: i % 2 ? 'upstream_error' : null, finishReason: i % 2 ? null : 'content_filter', tags: { customer: 'c1' } }));
        await store.usage.insertBatch(rows);

        const months = await store.usage.query({ groupBy: ['month'] });
        expect(months.groups.map((g) => [g.key.month, g.requests, g.costMicros])).toEqual([['2026-01', 100, 10_000], ['2026-02', 10, 1_000]]);
        const byCustomer = await store.usage.query({ groupBy: ['month', 'tag:customer'] });
        expect(byCustomer.groups.map((g) => `${g.key.month}/${g.key['tag:customer']}=${g.requests}`).sort()).toEqual(['2026-01/c1=50', '2026-01/c2=50', '2026-02/c1=10']);

        const spec = parseSpecText('tenants: { acme: {} }\nteams: { fleet: { tenant: acme } }\nagents: { a1: { team: fleet, role: writer } }\n', 'x.yaml', {}).spec;
        const feedback = new FeedbackRepo(store);
        const analytics = new Analytics({ store, spec: () => spec, feedback });
        const win = { from: JAN - 86_400_000, to: FEB + 86_400_000 };
        await feedback.insert({ id: 'fb1', ts: JAN, requestId: 'req_1', session: null, tenant: 'acme', team: 'fleet', agent: 'a1', score: 1, label: null, comment: null });
        await feedback.insert({ id: 'fb2', ts: JAN, requestId: 'req_2', session: null, tenant: 'acme', team: 'fleet', agent: 'a1', score: -0.5, label: 'bad', comment: null });
        const { data } = await analytics.agents(win, 'role');
        const a1 = data.find((a) => a.agent === 'a1')!;
        expect(a1).toMatchObject({ requests: 100, latency_p50_ms: 50.5, latency_p95_ms: 95.05, ttft_p50_ms: 25.25, sessions: 3, role: 'writer', feedback: { count: 2, avg_score: 0.25, positive_rate: 0.5 } });
        const a2 = data.find((a) => a.agent === 'a2')!;
        expect(a2).toMatchObject({ requests: 10, errors: 5, error_rate: 0.5, refusals: 5, finish_reasons: { content_filter: 5 }, latency_p50_ms: 106 });

        const sessions = await listSessions(store, {});
        expect(sessions.map((s) => [s.session, s.requests]).sort()).toEqual([['s0', 20], ['s1', 20], ['s2', 20]]);
        const t = await sessionTimeline(store, 's1');
        expect(t!.timeline.map((e) => e.id).slice(0, 3)).toEqual(['req_1', 'req_4', 'req_7']);

        const anomalies = new AnomalyRepo(store);
        const a: Anomaly = {
          id: 'anm_1', agent: 'a1', team: 'fleet', tenant: 'acme', peer_group: 'writer', metric: 'tokens_per_session', value: 300, peer_median: 100, ratio: 3, robust_z: null,
          rule: 'tokens_per_session ratio >= 3', detected_at: new Date(JAN).toISOString(), last_seen_at: new Date(JAN).toISOString(), resolved_at: null, active: true,
          evidence: { window_from: '', window_to: '', peers: [{ agent: 'p', value: 100 }], peer_mad: 0, samples: 4, params: { method: 'ratio' } },
        };
        await anomalies.insert(a);
        await anomalies.touch({ ...a, value: 320, last_seen_at: new Date(FEB).toISOString() });
        expect((await anomalies.active()).map((x) => [x.id, x.value, x.evidence.peers.length])).toEqual([['anm_1', 320, 1]]);
        await anomalies.resolve('anm_1', FEB + 1);
        expect(await anomalies.active()).toEqual([]);
        expect((await anomalies.list({ from: JAN }))[0]).toMatchObject({ active: false, resolved_at: new Date(FEB + 1).toISOString() });

        const alerts = new AlertRepo(store);
        const al: AlertRecord = { id: 'alr_1', rule: 'r', severity: 'warning', state: 'firing', subjectKind: 'agent', subjectId: 'a1', value: 1, threshold: 0, message: 'm', startedAt: JAN, resolvedAt: null, lastEvaluatedAt: JAN };
        expect(await alerts.insertFiring(al)).toBe(true);
        expect(await alerts.insertFiring({ ...al, id: 'alr_2' })).toBe(false); // one firing alert per rule and subject
        await alerts.resolve('alr_1', FEB);
        expect(await alerts.insertFiring({ ...al, id: 'alr_3' })).toBe(true);
        await alerts.saveDelivery({ id: 'd1', alertId: 'alr_3', event: 'firing', target: 'ops', status: 'retrying', attempts: 1, lastError: 'HTTP 500', updatedAt: FEB });
        await alerts.saveDelivery({ id: 'd1', alertId: 'alr_3', event: 'firing', target: 'ops', status: 'delivered', attempts: 2, lastError: null, updatedAt: FEB + 1 });
        expect((await alerts.deliveries(['alr_3'])).map((d) => [d.status, d.attempts])).toEqual([['delivered', 2]]);
        expect((await alerts.list({ state: 'firing' })).map((x) => x.id)).toEqual(['alr_3']);
      } finally {
        await store.close();
        await cleanup();
      }
    });
  });
}
