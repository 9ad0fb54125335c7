import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../spec/loader.js';
import { formatPlan, planSpecChange } from './spec-diff.js';

const base = `version: 1
providers:
  sim: { kind: sim }
models:
  small: { provider: sim, price: { input: 0.1, output: 0.2 } }
  big: { provider: sim }
aliases:
  default: small
tenants:
  acme: { name: Acme }
teams:
  support: { tenant: acme }
agents:
  triage: { team: support }
keys:
  k1: { value: sk-secret-one-123456, agent: triage }
budgets:
  - { scope: team, team: support, limit_usd: 10 }
`;

describe('planSpecChange', () => {
  it('shows the exact diff by section and id, secrets hidden', () => {
    const next = base
      .replace('limit_usd: 10', 'limit_usd: 5')
      .replace('  big: { provider: sim }\n', '  medium: { provider: sim }\n')
      .replace('default: small', 'default: medium')
      .replace('sk-secret-one-123456', 'sk-secret-two-654321')
      .replace('  triage: { team: support }\n', '  triage: { team: support }\n  billing: { team: support }\n');
    const plan = planSpecChange(parseSpecText(base, 'a', {}).spec, parseSpecText(next, 'b', {}).spec);
    const lines = plan.changes.map((c) => `${c.op} ${c.section}.${c.id} ${c.fields.map((f) => `${f.path}:${JSON.stringify(f.from)}->${JSON.stringify(f.to)}`).join(' ')}`);
    expect(lines).toEqual([
      'add agents.billing ',
      'change aliases.default (value):"small"->"medium"',
      'change budgets.scope=team,team=support,window=total limit_usd:10->5',
      'change keys.k1 value:"(secret)"->"(secret, changed)"',
      'remove models.big ',
      'add models.medium ',
    ]);
    expect(plan.counts).toEqual({ add: 2, change: 3, remove: 1 });
    const text = formatPlan(plan);
    expect(text).toContain('  ~ budgets.scope=team,team=support,window=total\n      limit_usd: 10 → 5');
    expect(text).toContain('  - models.big');
    expect(text).toContain('Plan: 2 to add, 3 to change, 1 to remove.');
    expect(text).not.toContain('sk-secret');
  });

  it('reports no changes for the same spec written differently', () => {
    const a = parseSpecText(base, 'a', {}).spec;
    const b = parseSpecText(base.replace('{ input: 0.1, output: 0.2 }', '{ output: 0.2, input: 0.1 }'), 'b', {}).spec;
    const plan = planSpecChange(a, b);
    expect(plan.changes).toEqual([]);
    expect(formatPlan(plan)).toMatch(/No changes/);
  });
});
