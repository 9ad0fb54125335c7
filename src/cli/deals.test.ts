import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { MARKET_SPEC_YAML } from '../orchestration/marketplace/market-spec.js';
import type { RunningDaca } from '../server/serve.js';
import { registerDeals } from './deals.js';

let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(MARKET_SPEC_YAML);
}, 30_000);
afterAll(() => daca?.close());

/** Runs `daca deals …` in this process against the test server; returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerDeals(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'daca', 'deals', ...args, '--url', daca.url, '--admin-key', TEST_ADMIN_KEY]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('daca deals', () => {
  it('says how to start a market when none ran', async () => {
    await expect(cli('show', 'need-1')).rejects.toThrow(/no market has run on this node; start one with `daca deals start`/);
  });

  it('starts a market on the node, lists its deals and shows one deal from posting to settlement', async () => {
    const started = JSON.parse(await cli('start', '--buyers', '40', '--sellers', '20', '--mediators', '4', '--json')) as { id: string; running: boolean; deals: number };
    expect(started.running).toBe(false);
    expect(started.deals).toBeGreaterThan(50);
    const list = JSON.parse(await cli('list', '--limit', '500', '--json')) as { data: { deal: string; amount_usd: number }[] };
    expect(list.data.length).toBe(started.deals);
    const big = list.data.find((d) => d.amount_usd > 1000) ?? list.data[0]!;
    const text = await cli('show', big.deal);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(`market ${started.id}`);
    expect(lines[1]).toBe(`deal ${big.deal}`);
    const kinds = lines.slice(2).map((l) => l.trim().split(/\s+/)[2]);
    expect(kinds[0]).toBe('posted');
    expect(kinds).toContain('offer');
    expect(kinds).toContain('committed');
    expect(kinds.at(-1)).toBe('settled');
    expect(kinds.indexOf('committed')).toBeLessThan(kinds.indexOf('settled'));
    if (big.amount_usd > 1000) expect(kinds).toEqual(expect.arrayContaining(['approval', 'approved']));
    expect(text).toMatch(new RegExp(`settled\\s+mediator-\\d+\\s+amount=\\$${big.amount_usd.toFixed(2)}`));
    const json = JSON.parse(await cli('show', big.deal, '--market', started.id, '--json')) as { market: string; history: { kind: string }[] };
    expect(json.market).toBe(started.id);
    expect(json.history.map((e) => e.kind)).toEqual(kinds);
    await expect(cli('show', 'no-such-deal')).rejects.toThrow(/404: no deal 'no-such-deal'/);
  }, 120_000);
});
