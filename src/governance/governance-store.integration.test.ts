/**
 * The governance tables and queries on both engines (SQLite file, PostgreSQL schema): registry,
 * alias history, a rollout's facts joined with usage events, graded samples and feedback, and a
 * promotion decided exactly once.
 */
import { mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpecText } from '../spec/loader.js';
import { compileModelCatalog } from '../spec/resolve.js';
import { openStore } from '../store/open-store.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { makeUsage } from '../store/store-suite-data.js';
import type { Store } from '../store/types.js';
import { ManualClock } from '../telemetry/analytics/clock.js';
import { FeedbackRepo } from '../telemetry/feedback/feedback-repo.js';
import { Governance } from './governance.js';

const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_gov_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

const spec = parseSpecText(
  `providers: { sim: { kind: sim } }
models: { m1: { provider: sim }, m2: { provider: sim } }
teams: { core: { tenant: acme } }
tenants: { acme: {} }
governance:
  versions: { v1: { model: m1, status: stable }, v2: { model: m2, params: { temperature: 0.3 } } }
  aliases: { core: { stable: v1 } }
rollouts: { min_samples: 5, guard_min_samples: 5 }
`,
  'gov.yaml',
  {},
).spec;

afterAll(async () => {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`governance on ${engine}`, () => {
    it('stores the registry, a rollout, its facts, and decides it once', async () => {
      const store: Store = engine === 'sqlite' ? await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'daca-gov-')) }) : await openPostgresStore(URL, { schema });
      await store.migrate();
      const clock = new ManualClock(1_700_000_000_000);
      const gov = await new Governance({ store, spec: () => spec, catalog: () => compileModelCatalog(spec), clock, flushUsage: async () => {} }).open();
      try {
        expect((await gov.registry.versions()).map((v) => [v.id, v.status])).toEqual([['v1', 'stable'], ['v2', 'draft']]);
        const r = await gov.rollouts.start({ group: 'core', to: 'v2', canaryPct: 50, durationMs: 86_400_000, promoteIf: 'success +10%' }, 'human:test');
        expect(r.scope).toBe('team:core');

        // 20 requests per arm through the router, their usage rows, grades for canary, feedback for stable
        const fb = new FeedbackRepo(store);
        const rows = [];
        let stable = 0;
        let canary = 0;
        for (let i = 0; stable < 20 || canary < 20; i++) {
          const agent = `a${i}`;
          const d = gov.router.route({ tenant: 'acme', team: 'core', agent, session: null, tags: {} }, 'm1', `req_${i}`)!;
          if ((d.arm === 'stable' ? stable : canary) >= 20) continue;
          if (d.arm === 'stable') stable++;
          else canary++;
          gov.router.assign(`req_${i}`, d);
          rows.push(makeUsage({ id: `req_${i}`, agent, team: 'core', model: d.model, ts: clock.now() + i }));
          if (d.arm === 'canary') gov.facts.grade({ requestId: `req_${i}`, rolloutId: r.id, arm: 'canary', ts: clock.now(), passed: true, score: 1 });
          else await fb.insert({ id: `fb_${i}`, ts: clock.now(), requestId: `req_${i}`, session: null, tenant: 'acme', team: 'core', agent, score: stable % 2 ? 1 : -1, label: null, comment: null });
        }
        await store.usage.insertBatch(rows);
        const samples = await gov.samples(r.id);
        expect(samples).toHaveLength(40);
        expect(samples.filter((s) => s.arm === 'canary').every((s) => s.graded === 1)).toBe(true);
        expect(samples.filter((s) => s.arm === 'stable').every((s) => s.feedback === 1 || s.feedback === -1)).toBe(true);

        const a = await gov.rollouts.analyse(r.id);
        expect(a.canary).toMatchObject({ requests: 20, judged: 20, successes: 20 });
        expect(a.stable).toMatchObject({ requests: 20, judged: 20, successes: 10 });
        expect(a.verdict).toBe('promote');
        const decided = await gov.tick();
        expect(decided).toEqual([{ rollout: r.id, verdict: 'promote' }]);
        await expect(gov.rollouts.promote(r.id, 'human:test')).rejects.toThrow(/not running/);
        expect((await gov.registry.aliases('core')).map((x) => [x.name, x.version])).toEqual([['stable', 'v2']]);
        expect((await gov.registry.version('v2')).status).toBe('stable');
        expect(gov.router.route({ tenant: 'acme', team: 'core', agent: 'a1', session: null, tags: {} }, 'm1')).toMatchObject({ version: 'v2', model: 'm2', params: { temperature: 0.3 } });
        const hist = await gov.rollouts.history('core');
        expect(hist.map((h) => h.kind)).toEqual(['alias_set', 'started', 'promoted']);
        const before = await gov.agentsAt(clock.now() - 1, [{ agent: 'a1', team: 'core' }]);
        expect(before.find((x) => x.agent === 'a1')?.version).toBeNull(); // nothing was registered before
        await clock.advance(10);
        const now = await gov.agentsAt(clock.now(), [{ agent: 'a1', team: 'core' }]);
        expect(now.find((x) => x.agent === 'a1')).toMatchObject({ version: 'v2', arm: 'stable', rollout: null, scope: 'team:core' });
      } finally {
        await gov.close();
        await store.close();
      }
    }, 30_000);
  });
}
