/**
 * Canary rollouts end to end: daca in-process (real HTTP server, SQLite, the sim provider), agents
 * calling through the real gateway, the live analysis driven by a ManualClock (no sleeps).
 *
 * - a canary on a flaky sim provider (`error_5xx: 0.3`) is rolled back automatically by its guard;
 * - a more capable canary (graded success on sampled traffic) is promoted by `success +5%`;
 * - the same agent always gets the same arm; a rollback takes effect on the very next request;
 * - `rollout rollback` of a group returns its stable alias to the previous kept version;
 * - every step is a `model_change` audit record and shows in the history.
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRollout } from '../cli/rollout.js';
import type { RunningDaca } from '../server/serve.js';
import { ManualClock } from '../telemetry/analytics/clock.js';
import { startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import type { Governance } from './governance.js';
import { closeGovernanceOf, governanceOf } from './node-governance.js';

const SPEC = `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim }
  simflaky: { kind: sim, failures: { error_5xx: 0.3 } }
models:
  model-a: { provider: sim, capability: 0.3 }
  model-b: { provider: simflaky, capability: 0.3 }
  model-c: { provider: sim, capability: 0.95 }
aliases:
  support-model: model-a
tenants: { acme: {} }
teams: { support: { tenant: acme }, sales: { tenant: acme } }
governance:
  versions:
    v1: { model: model-a, status: stable, prompt_version: "support@1" }
    v2: { model: model-b, prompt_version: "support@2" }
    v3: { model: model-c, params: { temperature: 0.1 }, prompt_version: "support@3" }
  aliases:
    team:support: { stable: v1 }
rollouts:
  interval: 1m
  min_samples: 20
  guard_min_samples: 10
  sample_rate: 1
  graders: [{ type: contains, value: "{{expected}}" }]
`;

const AGENTS = Array.from({ length: 40 }, (_, i) => `bot-${String(i).padStart(2, '0')}`);
let daca: RunningDaca;
let gov: Governance;
let clock: ManualClock;
const keys = new Map<string, string>();
let n = 0;

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const r = await fetch(`${daca.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as T };
}

/** One call of `agent` for the team's model: a task of difficulty 0.5 with a known answer. */
async function ask(agent: string): Promise<{ status: number; model: string | null; text: string }> {
  const i = n++;
  const answer = `Answer${i}`;
  const r = await fetch(`${daca.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.get(agent)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'support-model', metadata: { expected: answer }, messages: [{ role: 'user', content: `[sim:difficulty=0.5] [sim:answer=${answer}] Task ${i}: what is the code word?` }] }),
  });
  const text = await r.text();
  return { status: r.status, model: r.headers.get('x-daca-model'), text };
}

async function traffic(rounds: number): Promise<Map<string, Set<string | null>>> {
  const models = new Map<string, Set<string | null>>();
  for (let k = 0; k < rounds; k++)
    await Promise.all(
      AGENTS.map(async (a) => {
        const r = await ask(a);
        if (r.status === 200) (models.get(a) ?? models.set(a, new Set()).get(a)!).add(r.model);
      }),
    );
  return models;
}

interface RolloutJson {
  id: string;
  status: string;
  reason: string | null;
  from: string;
  to: string;
  analysis: { verdict: string; canary: { requests: number; error_rate: number; success_rate: number | null }; stable: { requests: number; error_rate: number; success_rate: number | null } } | null;
  series: { ts: number }[];
  events: { kind: string }[];
}

/** Moves the injected clock one analysis interval and waits for the analysis round. */
async function analysisRound(): Promise<void> {
  await clock.advance(60_000);
  await gov.idle();
}

beforeAll(async () => {
  daca = await startTestDaca(SPEC);
  const g = governanceOf(daca.services);
  gov = await g.ready;
  clock = new ManualClock(Date.now());
  gov.schedule(clock);
  for (const a of AGENTS) {
    const r = await api<{ key: string }>('/api/keys', { method: 'POST', body: { agent: a, team: 'support', tenant: 'acme' } });
    expect(r.status).toBe(201);
    keys.set(a, r.body.key);
  }
}, 60_000);

afterAll(async () => {
  if (daca) await closeGovernanceOf(daca.services);
  await daca?.close();
});

describe('rollouts through the real gateway', () => {
  it('serves the group its stable version through the model names it already uses', async () => {
    const r = await ask('bot-00');
    expect(r.status).toBe(200);
    expect(r.model).toBe('model-a');
    const agents = await api<{ data: { agent: string; version: string | null }[] }>('/api/registry/agents?agents=support/bot-00');
    expect(agents.body.data.find((x) => x.agent === 'bot-00')?.version).toBe('v1');
  });

  it('rolls a canary that raises the error rate back automatically', async () => {
    const start = await api<RolloutJson>('/api/rollouts', { method: 'POST', body: { group: 'support', to: 'v2', canary: '50%', for: '7d', rollback_if: 'error_rate > stable + 5%' } });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    const id = start.body.id;
    const dup = await api('/api/rollouts', { method: 'POST', body: { group: 'support', to: 'v3', canary: '5%', for: '1d' } });
    expect(dup.status).toBe(409);

    const seen = await traffic(3);
    // sticky: every agent was served by one model on all its successful calls
    for (const [, models] of seen) expect(models.size).toBe(1);
    const canaryAgents = [...seen].filter(([, m]) => m.has('model-b')).map(([a]) => a);
    expect(canaryAgents.length).toBeGreaterThan(8);
    expect(canaryAgents.length).toBeLessThan(32);

    await analysisRound();
    const r = await api<RolloutJson>(`/api/rollouts/${id}`);
    expect(r.body.status).toBe('rolled_back');
    expect(r.body.reason).toMatch(/guard breached: error_rate > stable \+ 5%/);
    expect(r.body.analysis!.canary.error_rate).toBeGreaterThan(0.1);
    expect(r.body.analysis!.stable.error_rate).toBe(0);
    expect(r.body.events.map((e) => e.kind)).toEqual(['started', 'rolled_back']);
    // everyone is back on the stable version at once
    for (const a of canaryAgents.slice(0, 3)) expect((await ask(a)).model).toBe('model-a');
    const v2 = await api<{ status: string }>('/api/registry/versions/v2');
    expect(v2.body.status).toBe('draft');
  });

  it('promotes a canary whose graded success is better by the declared margin', async () => {
    const start = await api<RolloutJson>('/api/rollouts', { method: 'POST', body: { group: 'support', to: 'v3', canary: 50, for: '7d', promote_if: 'success +5%', rollback_if: 'error_rate > 5%' } });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    await traffic(1);
    await analysisRound(); // ~20 judged per arm at most: still collecting or promoting
    await traffic(2);
    await analysisRound();
    const r = await api<RolloutJson>(`/api/rollouts/${start.body.id}`);
    expect(r.body.status, JSON.stringify(r.body.analysis)).toBe('promoted');
    expect(r.body.reason).toMatch(/promotion criterion met: success \+5%/);
    expect(r.body.analysis!.canary.success_rate!).toBeGreaterThan(r.body.analysis!.stable.success_rate! + 0.3);
    expect(r.body.series.length).toBeGreaterThan(0);
    // now every agent of the group is on v3
    const after = await traffic(1);
    for (const [, m] of after) expect([...m]).toEqual(['model-c']);
    const kept = await api<{ kept: string[] }>('/api/rollouts/kept?group=support');
    expect(kept.body.kept).toEqual(['v3', 'v1']);
  });

  it('rolls a group back to its previous kept version, and a running canary back within one request', async () => {
    const back = await api<{ stable: string; previous: string }>('/api/rollouts/rollback', { method: 'POST', body: { group: 'support' } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ stable: 'v1', previous: 'v3' });
    expect((await ask('bot-01')).model).toBe('model-a');
    const tooOld = await api('/api/rollouts/rollback', { method: 'POST', body: { group: 'support', to: 'v2' } });
    expect(tooOld.status).toBe(400);

    const start = await api<RolloutJson>('/api/rollouts', { method: 'POST', body: { group: 'support', to: 'v3', canary: '100%', for: '1h' } });
    expect(start.status).toBe(201);
    expect((await ask('bot-02')).model).toBe('model-c');
    const rb = await api<RolloutJson>(`/api/rollouts/${start.body.id}/rollback`, { method: 'POST', body: { reason: 'manual test' } });
    expect(rb.body.status).toBe('rolled_back');
    expect((await ask('bot-02')).model).toBe('model-a');
    const again = await api(`/api/rollouts/${start.body.id}/promote`, { method: 'POST', body: {} });
    expect(again.status).toBe(409);
  });

  it('audits every step as model_change and shows the history', async () => {
    await daca.services.recorder.flush();
    const audit = await api<{ records: { kind: string; body: { decision?: { summary?: string } } | null }[] }>('/api/audit?kind=model_change&limit=200');
    const summaries = audit.body.records.map((r) => r.body?.decision?.summary ?? '');
    expect(summaries.some((s) => /canary v2 rolled back/.test(s))).toBe(true);
    expect(summaries.some((s) => /v3 promoted to stable/.test(s))).toBe(true);
    expect(summaries.some((s) => /alias 'stable': v3 → v1/.test(s))).toBe(true);
    const hist = await api<{ data: { kind: string; group: string }[] }>('/api/rollouts/history?group=support');
    const kinds = hist.body.data.map((h) => h.kind);
    expect(kinds.filter((k) => k === 'started')).toHaveLength(3);
    expect(kinds).toContain('promoted');
    expect(kinds.filter((k) => k === 'rolled_back')).toHaveLength(2);
    expect(kinds).toContain('alias_set');
  });

  it('prints the history with the automatic decisions (daca rollout history)', async () => {
    const program = new Command().exitOverride();
    registerRollout(program);
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'daca', 'rollout', 'history', '-g', 'support', '--url', daca.url, '--admin-key', TEST_ADMIN_KEY]);
    } finally {
      process.stdout.write = write;
    }
    if (process.env.SHOW_HISTORY) console.log(out);
    expect(out).toMatch(/rolled_back\s+ro_\w+\s+system:rollout-analysis\s+team:support: canary v2 rolled back to v1; guard breached: error_rate > stable \+ 5%/);
    expect(out).toMatch(/promoted\s+ro_\w+\s+system:rollout-analysis\s+team:support: v3 promoted to stable \(was v1\); promotion criterion met: success \+5%/);
    expect(out).toMatch(/rolled_back\s+ro_\w+\s+key:admin\s+.*manual test/);
  });
});
