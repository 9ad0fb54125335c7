/**
 * `daca models …` and `daca rollout …` in this process against an in-process daca: registering
 * versions, aliases, a rollout refused by the eval gate (a worse candidate) and one started after
 * a passing gate, status and history tables, promote and group rollback, --help of every verb.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { capitalsSuiteYaml, SIM_KEY, SIM_SPEC } from '../evals/testing/sim-fixtures.js';
import { closeGovernanceOf } from '../governance/node-governance.js';
import type { RunningDaca } from '../server/serve.js';
import { registerModels } from './models.js';
import { registerRollout } from './rollout.js';

const dir = mkdtempSync(join(tmpdir(), 'daca-rollout-cli-'));
let daca: RunningDaca;

beforeAll(async () => {
  daca = await startTestDaca(`${SIM_SPEC}
governance:
  versions:
    g1: { model: strong, status: stable, prompt_version: "capitals@1" }
`);
  writeFileSync(join(dir, 'capitals.yaml'), capitalsSuiteYaml({ n: 60 }));
}, 60_000);
afterAll(async () => {
  await closeGovernanceOf(daca.services);
  await daca.close();
});

/** Runs `daca …` in this process; returns stdout, stderr and whether it threw. */
async function cli(...args: string[]): Promise<{ out: string; err: string; failed: Error | null }> {
  const program = new Command().exitOverride();
  registerModels(program);
  registerRollout(program);
  let out = '';
  let err = '';
  const [w1, w2] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  let failed: Error | null = null;
  try {
    const conn = args.includes('--help') ? [] : ['--url', daca.url, '--admin-key', TEST_ADMIN_KEY];
    await program.parseAsync(['node', 'daca', ...args, ...conn]);
  } catch (e) {
    failed = e as Error;
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
  return { out, err, failed };
}

describe('daca models / daca rollout', () => {
  it('has --help on every verb', async () => {
    for (const v of [['rollout', 'start'], ['rollout', 'rollback'], ['rollout', 'status'], ['rollout', 'history'], ['rollout', 'promote'], ['models', 'list'], ['models', 'agents']]) {
      const r = await cli(...v, '--help');
      expect(r.out, v.join(' ')).toMatch(/Usage: daca/);
    }
    expect((await cli('rollout', 'start', '--help')).out).toMatch(/--agent-group.*--to.*--canary.*--for.*--by.*--promote-if.*--rollback-if.*--gate-suite/s);
  });

  it('registers versions and points a group alias at one', async () => {
    expect((await cli('models', 'register', 'w1', '--model', 'weak', '--temperature', '0.2', '--prompt-version', 'capitals@2')).out).toMatch(/registered w1: weak \(sim\/weak\), draft/);
    expect((await cli('models', 'register', 't1', '--model', 'twin', '--prompt-version', 'capitals@2')).failed).toBeNull();
    expect((await cli('models', 'alias', 'evals', 'stable', 'g1')).out).toMatch(/team:evals stable: \(none\) → g1/);
    const list = (await cli('models', 'list')).out;
    expect(list).toMatch(/g1\s+stable\s+strong\s+sim\/strong/);
    expect(list).toMatch(/w1\s+draft\s+weak\s+sim\/weak\s+temperature=0.2\s+capitals@2/);
  });

  it('refuses a rollout whose eval gate fails, and starts one whose gate passes', async () => {
    const flags = ['--gate-suite', join(dir, 'capitals.yaml'), '--api-key', SIM_KEY, '--results', join(dir, 'evals'), '--seed', '3'];
    const bad = await cli('rollout', 'start', '-g', 'evals', '--to', 'w1', '--canary', '10%', '--for', '2d', ...flags);
    expect(bad.failed?.message).toMatch(/rollout refused: eval gate failed on suite capitals/);
    expect(bad.err).toMatch(/GATE FAILED/);
    const good = await cli('rollout', 'start', '-g', 'evals', '--to', 't1', '--canary', '10%', '--for', '2d', '--rollback-if', 'error_rate > 2%', ...flags);
    expect(good.failed).toBeNull();
    expect(good.err).toMatch(/GATE PASSED/);
    expect(good.out).toMatch(/started rollout ro_\w+: team:evals g1 → t1 on 10% of agents/);
    const v = JSON.parse((await cli('models', 'list', '--json')).out) as { data: { id: string; status: string; eval_runs: string[] }[] };
    const t1 = v.data.find((x) => x.id === 't1')!;
    expect(t1.status).toBe('candidate');
    expect(t1.eval_runs).toHaveLength(2);
  }, 120_000);

  it('shows status, promotes, rolls the group back, and prints the history', async () => {
    const status = await cli('rollout', 'status');
    expect(status.out).toMatch(/team:evals\s+g1 → t1\s+10% agents\s+running/);
    const id = /ro_\w+/.exec(status.out)![0];
    expect((await cli('rollout', 'promote', id, '--reason', 'looks good')).out).toMatch(/promoted ro_\w+: team:evals now runs t1 \(was g1\)/);
    expect((await cli('rollout', 'status')).out).toMatch(/no running rollouts/);
    expect((await cli('rollout', 'rollback', '-g', 'evals')).out).toMatch(/evals: stable t1 → g1/);
    const hist = await cli('rollout', 'history', '-g', 'evals');
    expect(hist.out).toMatch(/gate_failed/);
    expect(hist.out).toMatch(/started/);
    expect(hist.out).toMatch(/promoted/);
    expect(hist.out).toMatch(/alias_set.*'stable': t1 → g1/);
    const json = JSON.parse((await cli('rollout', 'history', '-g', 'evals', '--json')).out) as { data: { kind: string }[] };
    expect(json.data.map((h) => h.kind)).toEqual(['alias_set', 'gate_failed', 'started', 'promoted', 'alias_set']);
    const all = await cli('rollout', 'status', '--all', '--json');
    expect((JSON.parse(all.out) as { data: { status: string }[] }).data.map((r) => r.status).sort()).toEqual(['promoted', 'rolled_back']);
  });
});
