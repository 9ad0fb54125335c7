import { describe, expect, it } from 'vitest';
import type { Attribution } from '../identity/principal.js';
import { parseSpecText } from '../spec/loader.js';
import { compileModelCatalog } from '../spec/resolve.js';
import { compileRouteIndex, RolloutRouter, type RouteSources } from './rollout-router.js';
import type { ModelAlias, ModelVersion, Rollout } from './types.js';

const spec = parseSpecText(
  `providers: { sim: { kind: sim } }
models: { m-old: { provider: sim }, m-new: { provider: sim }, m-older: { provider: sim } }
aliases: { support-model: m-old }
`,
  'router.yaml',
  {},
).spec;
const catalog = compileModelCatalog(spec);

const v = (id: string, model: string, params: ModelVersion['params'] = {}): ModelVersion => ({
  id, model, provider: 'sim', upstream: model, params, promptVersion: null, status: 'stable', evalRuns: [], description: null, source: 'api', createdAt: 0, updatedAt: 0,
});
const versions = new Map([v('v1', 'm-old'), v('v2', 'm-new', { temperature: 0.1 }), v('v0', 'm-older')].map((x) => [x.id, x]));
const alias = (scope: string, name: string, version: string): ModelAlias => ({ scope, name, version, updatedAt: 0 });
const rollout = (scope: string, pct: number, by: Rollout['by'] = 'agents'): Rollout => ({
  id: 'ro_1', scope, fromVersion: 'v1', toVersion: 'v2', canaryPct: pct, by, salt: 12345, startedAt: 0, endsAt: 1, status: 'running', promoteIf: null, rollbackIf: null,
  gateSuite: null, gate: null, decidedAt: null, reason: null, analysis: null, actor: 'test',
});
const att = (agent: string, team = 'support', session: string | null = null): Attribution => ({ tenant: 'acme', team, agent, session, tags: {} });

function router(src: Partial<RouteSources>): RolloutRouter {
  const r = new RolloutRouter();
  r.load(compileRouteIndex({ versions, aliases: [], rollouts: [], groups: {}, catalog, ...src }));
  return r;
}

describe('RolloutRouter', () => {
  it('routes nothing without aliases or rollouts', () => {
    const r = router({});
    expect(r.empty).toBe(true);
    expect(r.route(att('a'), 'm-old')).toBeNull();
  });

  it("serves a scope's stable version for the names its agents use, and only to that scope", () => {
    const r = router({ aliases: [alias('team:support', 'stable', 'v1'), alias('team:support', 'fast', 'v2')] });
    for (const name of ['stable', 'm-old', 'support-model']) expect(r.route(att('a'), name)).toMatchObject({ version: 'v1', model: 'm-old', arm: 'stable', rolloutId: null, via: 'version' });
    expect(r.route(att('a'), 'fast')).toMatchObject({ version: 'v2', params: { temperature: 0.1 } });
    expect(r.route(att('a', 'sales'), 'm-old')).toBeNull();
    expect(r.route(att('a'), 'm-new')).toBeNull();
  });

  it('sends a sticky share of agents to the canary; the same agent always gets the same frozen decision', () => {
    const r = router({ aliases: [alias('team:support', 'stable', 'v1')], rollouts: [rollout('team:support', 5)] });
    let canary = 0;
    for (let i = 0; i < 20_000; i++) if (r.route(att(`agent-${i}`), 'support-model')!.arm === 'canary') canary++;
    expect(canary / 20_000).toBeGreaterThan(0.04);
    expect(canary / 20_000).toBeLessThan(0.06);
    for (let i = 0; i < 50; i++) {
      const first = r.route(att(`agent-${i}`), 'support-model');
      for (let k = 0; k < 5; k++) expect(r.route(att(`agent-${i}`), 'm-old')).toBe(first);
    }
    const d = r.route(att('agent-0'), 'canary')!;
    expect(d).toMatchObject({ arm: 'canary', version: 'v2', rolloutId: 'ro_1', via: 'canary' });
    expect(Object.isFrozen(d)).toBe(true);
    expect(d.reason).toMatchObject({ source: 'route', name: 'rollout:ro_1', data: { version: 'v2', arm: 'canary' } });
  });

  it('by traffic: sticky per session, spread over requests without one', () => {
    const r = router({ aliases: [alias('all', 'stable', 'v1')], rollouts: [rollout('all', 50, 'traffic')] });
    const s = r.route(att('a', 'x', 'sess-1'), 'm-old');
    for (let i = 0; i < 5; i++) expect(r.route(att(`other-${i}`, 'y', 'sess-1'), 'm-old')).toBe(s);
    const arms = new Set(Array.from({ length: 40 }, (_, i) => r.route(att('a'), 'm-old', `req_${i}`)!.arm));
    expect(arms).toEqual(new Set(['stable', 'canary']));
  });

  it('more specific scopes win: agent, then group, then team, tenant, all', () => {
    const r = router({
      aliases: [alias('all', 'stable', 'v0'), alias('tenant:acme', 'stable', 'v1'), alias('team:support', 'stable', 'v2'), alias('agent:vip', 'stable', 'v0'), alias('group:beta', 'stable', 'v1')],
      groups: { beta: { agents: ['tester'], teams: [] } },
    });
    expect(r.route(att('a'), 'stable')!.version).toBe('v2');
    expect(r.route(att('vip'), 'stable')!.version).toBe('v0');
    expect(r.route(att('tester'), 'stable')!.version).toBe('v1');
    expect(r.route(att('a', 'sales'), 'stable')!.version).toBe('v1');
    expect(r.route({ ...att('a', 'x'), tenant: 'other' }, 'stable')!.version).toBe('v0');
  });

  it("keeps routing the names of a scope's earlier stable versions to its current one", () => {
    const r = router({ aliases: [alias('team:support', 'stable', 'v2')], previousStable: new Map([['team:support', ['v1', 'v2']]]) });
    expect(r.route(att('a'), 'support-model')!.version).toBe('v2');
    expect(r.route(att('a'), 'm-new')!.version).toBe('v2');
  });

  it('routes in well under a microsecond', () => {
    const r = router({ aliases: [alias('team:support', 'stable', 'v1')], rollouts: [rollout('team:support', 5)] });
    const a = att('agent-42');
    const miss = att('x', 'sales');
    for (let i = 0; i < 10_000; i++) r.route(a, 'm-old');
    const t = performance.now();
    for (let i = 0; i < 200_000; i++) {
      r.route(a, 'm-old');
      r.route(miss, 'unrelated');
    }
    const perCall = ((performance.now() - t) * 1000) / 400_000;
    expect(perCall).toBeLessThan(1); // µs; typically ~0.05
  });
});
