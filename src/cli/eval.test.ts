/**
 * `daca eval` as a user runs it (the built CLI in a child process) against a real daca with sim
 * models: help, run with reports, compare, a failing and a passing gate, and suite errors.
 * Requires `npm run build`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaca } from '../../test/support/daca-process.js';
import { startTestDaca } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { capitalsSuiteYaml, SIM_KEY, SIM_SPEC } from '../evals/testing/sim-fixtures.js';

let daca: RunningDaca;
let dir: string;
let conn: string[];

beforeAll(async () => {
  daca = await startTestDaca(SIM_SPEC);
  dir = mkdtempSync(join(tmpdir(), 'daca-eval-cli-'));
  writeFileSync(join(dir, 'capitals.yaml'), capitalsSuiteYaml({ n: 30, personas: ['neutral', 'novice'], trials: 2 }));
  conn = ['--base-url', `${daca.url}/v1`, '--api-key', SIM_KEY, '--results', 'runs', '--no-progress'];
});
afterAll(async () => {
  await daca?.close();
});

describe('daca eval', () => {
  it('has --help on every subcommand', async () => {
    for (const args of [['eval'], ['eval', 'run'], ['eval', 'compare'], ['eval', 'gate'], ['eval', 'report']]) {
      const r = await runDaca([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: daca eval/);
    }
    const gate = await runDaca(['eval', 'gate', '--help']);
    expect(gate.stdout).toMatch(/--baseline <run\|alias>/);
    expect(gate.stdout).toMatch(/--min-effect/);
  });

  it('runs a suite, writes JUnit and HTML, and compares two runs', async () => {
    const a = await runDaca(['eval', 'run', '--suite', 'capitals.yaml', '--model', 'strong', '--run-id', 'a', '--junit', 'out/a.xml', '--html', 'out/a.html', ...conn], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^run a: suite capitals \(30 cases × 2 personas × 2 trials\), agent prompt model strong/);
    expect(a.stdout).toMatch(/\(suite\)\s+120\s+100\.0%/);
    expect(readFileSync(join(dir, 'out/a.xml'), 'utf8')).toMatch(/<testsuites name="capitals" tests="120"/);
    expect(readFileSync(join(dir, 'out/a.html'), 'utf8')).toMatch(/<svg /);
    expect(existsSync(join(dir, 'runs/a.jsonl'))).toBe(true);

    const b = await runDaca(['eval', 'run', '--suite', 'capitals.yaml', '--model', 'weak', '--run-id', 'b', '--json', ...conn], { cwd: dir });
    expect(b.code).toBe(0);
    const json = JSON.parse(b.stdout) as { suite: { trials: number; goalRate: number }; trials: unknown[] };
    expect(json.suite.trials).toBe(120);
    expect(json.trials).toHaveLength(120);

    const cmp = await runDaca(['eval', 'compare', 'a', 'b', '--results', 'runs'], { cwd: dir });
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toMatch(/120 paired trials/);
    expect(cmp.stdout).toMatch(/McNemar exact: \d+ pairs regressed \(baseline pass, candidate fail\), 0 improved; p = /);
    const missing = await runDaca(['eval', 'compare', 'a', 'nope', '--results', 'runs'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/daca: no run 'nope'/);
  });

  it('fails the gate for a worse candidate and passes it for an equal one, printing why', async () => {
    const fail = await runDaca(['eval', 'gate', '--suite', 'capitals.yaml', '--baseline', 'stable', '--candidate', 'canary', '--seed', '3', ...conn], { cwd: dir });
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/FAIL regression: pass rate \d+\.\d% vs baseline \d+\.\d% .*McNemar b=\d+ c=0 p=[\d.e-]+ < alpha 0\.05/);
    expect(fail.stdout).toMatch(/GATE FAILED: canary vs stable/);
    const pass = await runDaca(['eval', 'gate', '--suite', 'capitals.yaml', '--baseline', 'strong', '--candidate', 'twin', '--seed', '3', '--min-pass-rate', '60%', ...conn], { cwd: dir });
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/ok   min_pass_rate: pass rate \d+\.\d% ≥ floor 60\.0%/);
    expect(pass.stdout).toMatch(/GATE PASSED: twin is not significantly worse than strong/);
    // the baseline run is reused: a gate against a stored run id only runs the candidate
    const reuse = await runDaca(['eval', 'gate', '--suite', 'capitals.yaml', '--baseline', 'a', '--candidate', 'weak', '--json', ...conn], { cwd: dir });
    expect(reuse.code).toBe(1);
    const out = JSON.parse(reuse.stdout) as { passed: boolean; comparison: { pairs: number; a: { meta: { id: string } } } };
    expect(out.passed).toBe(false);
    expect(out.comparison.a.meta.id).toBe('a');
    expect(out.comparison.pairs).toBe(120);
  });

  it('names file and line of a bad suite', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\ntrials: 0\ncases:\n  - { id: a, input: hi, oops: 1 }\n');
    const r = await runDaca(['eval', 'run', '--suite', 'bad.yaml', ...conn], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:2:\d+ trials: must be >= 1/);
    expect(r.stderr).toMatch(/bad\.yaml:4:\d+ cases\[0\]\.oops: unknown field 'oops'/);
  });
});
