import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ToolPolicy } from '../../guardrails/tools/tool-policy.js';
import { approvalThresholdMicros, loadMarketSpec, MARKET_SPEC_YAML } from './market-spec.js';

describe('the market spec', () => {
  it('is the same as examples/marketplace/daca.yaml', () => {
    expect(readFileSync(new URL('../../../examples/marketplace/daca.yaml', import.meta.url), 'utf8')).toBe(MARKET_SPEC_YAML);
  });

  it('puts settlements above $1,000 under approval through the settle_deal tool policy', () => {
    const spec = loadMarketSpec().spec;
    expect(approvalThresholdMicros(spec)).toBe(1_000_000_000);
    const tools = new ToolPolicy(spec);
    const settle = (usd: number) => tools.checkResult('mediator-3', [{ id: 'x', type: 'function', function: { name: 'settle_deal', arguments: JSON.stringify({ amount_usd: usd, qty: 2 }) } }]).action;
    expect(settle(999.99)).toBe('allow');
    expect(settle(1000.01)).toBe('approval');
  });
});
