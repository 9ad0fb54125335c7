import { describe, expect, it } from 'vitest';
import { SpecError } from '../../errors.js';
import { parseSpecText } from '../../spec/loader.js';
import { formatPlan, planSpecChange } from '../spec-diff.js';
import { formatGoalValue, goalMet } from './goal-spec.js';

const BASE = `providers: { sim: { kind: sim } }
models:
  small: { provider: sim }
  large: { provider: sim }
tenants: { acme: {} }
teams: { support: { tenant: acme } }
`;

function issuesOf(text: string): string[] {
  try {
    parseSpecText(text, 'daca.yaml', {});
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
  }
  throw new Error('expected a SpecError');
}

describe('goals: in the spec', () => {
  it('parses goals with their defaults and durations', () => {
    const { spec } = parseSpecText(
      `${BASE}goals:
  support_latency:
    metric: ticket_resolution_p95_s
    target: 7200
    window: 2h
    scope: { team: support }
    actions: [spawn, reap]
    scale: { agent: support-agent, min: 2, max: 20, per_agent_hour: 3 }
  spend:
    metric: cost_per_day_usd
    target: 500
    actions: [defer, downgrade_model]
    defer: { agents: [nightly] }
    downgrade: { to: small }
  trades: { metric: trade_completion_rate, target: 0.95, within: 10m }
`,
      'daca.yaml',
      {},
    );
    expect(spec.goals.support_latency).toMatchObject({ window: 7_200_000, scope: { team: 'support' }, escalate: true, scale: { agent: 'support-agent', min: 2, max: 20 } });
    expect(spec.goals.spend!.defer).toEqual({ at_percent: 90, agents: ['nightly'], max_model_share: 1 });
    expect(spec.goals.trades).toMatchObject({ within: 600_000, window: 3_600_000, actions: [], scope: {} });
    expect(parseSpecText(BASE, 'x.yaml', {}).spec.goals).toEqual({});
  });

  it('reports bad goals at their file and line, saying what to write', () => {
    expect(
      issuesOf(`${BASE}goals:
  a: { metric: wait_time, target: 1 }
  b: { metric: success_rate, target: 95 }
  c:
    metric: queue_depth
    target: 50
    actions: [spawn]
  e: { metric: trade_completion_rate, target: 0.9 }
  f: { metric: queue_depth, target: 5, window: soon }
`),
    ).toEqual([
      "daca.yaml:8:16 goals.a.metric: expected one of: trade_completion_rate, ticket_resolution_p95_s, satisfaction_rate, cost_per_day_usd, success_rate, latency_p95_ms, queue_depth (got 'wait_time')",
      "daca.yaml:9:38 goals.b.target: success_rate is a share: the target must be between 0 and 1 (got 95); write 0.95 for 95%",
      "daca.yaml:13:14 goals.c.actions: action 'spawn' needs `scale:` (e.g. scale: { agent: worker, min: 2, max: 20 })",
      'daca.yaml:14:16 goals.e.metric: trade_completion_rate needs `within:` (e.g. within: 10m)',
      "daca.yaml:15:48 goals.f.window: expected a duration like 30s, 15m, 2h or 1d (got 'soon')",
    ]);
  });

  it('checks what goals refer to: teams, tenants and models', () => {
    expect(issuesOf(`${BASE}goals:\n  d: { metric: cost_per_day_usd, target: 5, scope: { team: sales }, downgrade: { to: huge } }\n`)).toEqual([
      "daca.yaml:8:60 goals.d.scope.team: unknown team 'sales'; declared teams: support",
      "daca.yaml:8:86 goals.d.downgrade.to: 'huge' is not a declared model or alias",
    ]);
    const embed = BASE.replace('models:\n', 'models:\n  vec: { provider: sim, type: embedding }\n') + 'aliases: { vectors: vec }\n';
    expect(issuesOf(`${embed}goals:\n  d: { metric: cost_per_day_usd, target: 5, actions: [downgrade_model], downgrade: { to: vectors } }\n`)).toEqual([
      "daca.yaml:10:90 goals.d.downgrade.to: 'vectors' is an embedding model; downgrade to a chat model",
    ]);
    expect(parseSpecText(`${BASE}aliases: { cheap: small }\ngoals:\n  d: { metric: cost_per_day_usd, target: 5, actions: [downgrade_model], downgrade: { to: cheap } }\n`, 'daca.yaml', {}).spec.goals.d!.downgrade).toEqual({ to: 'cheap', at_percent: 80 });
  });

  it('shows goal changes in a plan', () => {
    const a = parseSpecText(`${BASE}goals:\n  spend: { metric: cost_per_day_usd, target: 500 }\n`, 'a.yaml', {}).spec;
    const b = parseSpecText(`${BASE}goals:\n  spend: { metric: cost_per_day_usd, target: 300 }\n  ok: { metric: success_rate, target: 0.99 }\n`, 'b.yaml', {}).spec;
    const plan = planSpecChange(a, b);
    expect(plan.changes.map((c) => `${c.op} ${c.section}.${c.id}`)).toEqual(['add goals.ok', 'change goals.spend']);
    expect(formatPlan(plan)).toContain('  ~ goals.spend\n      target: 500 → 300');
  });

  it('knows each metric direction and formats values', () => {
    expect(goalMet({ metric: 'success_rate', target: 0.95 }, 0.96)).toBe(true);
    expect(goalMet({ metric: 'success_rate', target: 0.95 }, 0.9)).toBe(false);
    expect(goalMet({ metric: 'queue_depth', target: 50 }, 340)).toBe(false);
    expect(goalMet({ metric: 'cost_per_day_usd', target: 5 }, 4.99)).toBe(true);
    expect(formatGoalValue('trade_completion_rate', 0.9512)).toBe('95.1%');
    expect(formatGoalValue('cost_per_day_usd', 0.104)).toBe('$0.1040');
  });
});
