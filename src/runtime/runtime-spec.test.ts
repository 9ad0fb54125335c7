import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../spec/loader.js';
import { DEFAULT_SPEC_YAML } from '../spec/default-spec.js';
import { agentBudgetRules } from './runtime-spec.js';

const withAgent = (yaml: string) => DEFAULT_SPEC_YAML.replace('agents:\n', `agents:\n${yaml}`);

describe('runtime fields of the spec', () => {
  it('defaults: fast path, Restate only when needed, RocksDB capped', () => {
    const { spec } = parseSpecText(DEFAULT_SPEC_YAML, 'd.yaml', {});
    expect(spec.agents.assistant).toMatchObject({ durable: false, prompt: { model: 'small' } });
    expect(spec.runtime).toMatchObject({ restate: 'auto', rocksdb_memory_mb: 256 });
  });

  it('budget_usd becomes a monthly hard agent budget', () => {
    const { spec } = parseSpecText(withAgent('  buyer:\n    team: default\n    budget_usd: 12.5\n'), 'd.yaml', {});
    expect(agentBudgetRules(spec)).toEqual([expect.objectContaining({ scope: 'agent', agent: 'buyer', limit_usd: 12.5, window: 'month', hard: true })]);
  });

  it('rejects instances with max below min, naming the field', () => {
    expect(() => parseSpecText(withAgent('  buyer:\n    team: default\n    instances: { min: 3, max: 1 }\n'), 'd.yaml', {})).toThrow(/instances/);
  });
});
