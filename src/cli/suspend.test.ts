/**
 * `daca suspend|resume|suspensions` and `daca budgets` against a real in-process server.
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { budgetsOf } from '../guardrails/budgets/node-budgets.js';
import type { RunningDaca } from '../server/serve.js';
import { registerBudgets } from './budgets.js';
import { registerSuspend } from './suspend.js';

let d: RunningDaca;
beforeAll(async () => {
  d = await startTestDaca('budgets:\n  - { scope: team, limit_usd: 5, window: month }\n');
});
afterAll(() => d?.close());

/** Runs one CLI command in this process and returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerSuspend(program);
  registerBudgets(program);
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  try {
    await program.parseAsync(['node', 'daca', ...args, '--url', d.url, '--admin-key', TEST_ADMIN_KEY]);
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
  return out.join('\n');
}

describe('daca suspend / resume / suspensions', () => {
  it('suspends, lists and resumes an agent', async () => {
    expect(await cli('suspend', 'agent', 'triage', '--reason', 'runaway loop', '--as', 'oncall')).toContain('suspended agent triage: runaway loop');
    const list = await cli('suspensions');
    expect(list).toMatch(/KIND\s+SUBJECT\s+REASON\s+BY\s+SINCE/);
    expect(list).toMatch(/agent\s+triage\s+runaway loop\s+oncall/);
    expect(await cli('resume', 'agent', 'triage')).toBe('resumed agent triage');
    await expect(cli('resume', 'agent', 'triage')).rejects.toThrow('404: agent triage is not suspended');
    await expect(cli('suspend', 'planet', 'x', '--reason', 'y')).rejects.toThrow("unknown kind 'planet'");
  });
});

describe('daca budgets', () => {
  it('shows budgets and spend, and sweeps expired leases', async () => {
    const b = budgetsOf(d.services);
    b.settle(await b.reserve('k', { tenant: 'default', team: 'support', agent: 'a', session: null, tags: {} }, 1_000_000), 1_250_000);
    const shown = await cli('budgets');
    expect(shown).toMatch(/team\s+every team\s+5\s+month\s+true/);
    expect(shown).toMatch(/team\s+support\s+month\s+\S+\s+1\.25\s+\S+\s+5/);
    expect(JSON.parse(await cli('budgets', '--json')).data[0]).toMatchObject({ subject: 'support', spent_usd: 1.25 });
    expect(await cli('budgets', 'sweep')).toBe('freed 0 expired lease(s)');
  });
});
