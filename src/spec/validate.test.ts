import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateSpec } from './validate.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/daca.yaml', import.meta.url));
const EXAMPLE_ENV = {
  OPENAI_API_KEY: 'sk-test',
  ANTHROPIC_API_KEY: 'sk-ant-test',
  DACA_ADMIN_KEY: 'daca-admin-0123456789',
  DACA_KEY_TRIAGE: 'daca-triage-0123456789',
  DACA_KEY_RESPONDER: 'daca-responder-0123456789',
  DACA_KEY_RESEARCH: 'daca-research-0123456789',
};

describe('validateSpec', () => {
  it('summarises the embedded default when no path is given', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'daca-validate-'));
    const r = await validateSpec(undefined, { env: {}, cwd: empty });
    expect(r).toEqual({
      ok: true,
      summary: { providers: 1, models: 3, aliases: 3, tenants: 1, teams: 1, agents: 1, keys: 0 },
      source: '(embedded default)',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      warnings: [],
    });
  });

  it('validates examples/daca.yaml with its environment set', async () => {
    const r = await validateSpec(EXAMPLE, { env: EXAMPLE_ENV });
    expect(r).toEqual({
      ok: true,
      summary: { providers: 4, models: 8, aliases: 5, tenants: 1, teams: 2, agents: 3, keys: 4 },
      source: EXAMPLE,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      warnings: [],
    });
  });

  it('lists every missing variable of examples/daca.yaml without its environment', async () => {
    const r = await validateSpec(EXAMPLE, { env: {} });
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors).toHaveLength(6);
    expect(errors[0]).toMatch(/examples\/daca\.yaml:\d+:\d+ providers\.openai\.api_key: environment variable 'OPENAI_API_KEY' is not set/);
  });

  it('returns located errors and warns about unpriced models', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daca-validate-'));
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'models:\n  m:\n    type: chat\n');
    expect(await validateSpec(bad, { env: {} })).toEqual({ ok: false, errors: [`${bad}:2:3 models.m: missing required field 'provider' (expected a string)`] });

    const unpriced = join(dir, 'unpriced.yaml');
    await writeFile(unpriced, 'providers: { sim: { kind: sim } }\nmodels:\n  m: { provider: sim }\n');
    const r = await validateSpec(unpriced, { env: {} });
    expect(r.ok && r.warnings).toEqual([
      "models.m: no price for 'm' in the spec or the price table; its cost will be recorded as $0 (set models.m.price)",
    ]);
  });

  it('finds DACA_SPEC, then ./daca.yaml, when no path is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daca-validate-'));
    await writeFile(join(dir, 'daca.yaml'), 'tenants: { a: {}, b: {} }\n');
    await writeFile(join(dir, 'other.yaml'), 'tenants: { a: {} }\n');
    const local = await validateSpec(undefined, { env: {}, cwd: dir });
    expect(local.ok && [local.source, local.summary.tenants]).toEqual([join(dir, 'daca.yaml'), 2]);
    const fromEnv = await validateSpec(undefined, { env: { DACA_SPEC: join(dir, 'other.yaml') }, cwd: dir });
    expect(fromEnv.ok && [fromEnv.source, fromEnv.summary.tenants]).toEqual([join(dir, 'other.yaml'), 1]);
  });
});
