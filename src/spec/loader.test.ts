import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import { loadSpecFile, parseSpecText } from './loader.js';

/** The located issues of a spec that must fail, as `line:column path: message` strings. */
function issuesOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseSpecText(text, 'daca.yaml', env);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    const err = e as SpecError;
    for (const i of err.issues) expect(i.file).toBe('daca.yaml');
    return err.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
  }
  throw new Error('expected a SpecError');
}

const SIM = 'providers:\n  sim:\n    kind: sim\n';

describe('parseSpecText', () => {
  it('accepts an empty file and fills defaults', () => {
    const { spec, source } = parseSpecText('', 'empty.yaml', {});
    expect(source).toBe('empty.yaml');
    expect(spec.version).toBe(1);
    expect(spec.server.max_body_bytes).toBe(4 * 1024 * 1024);
    expect(spec.models).toEqual({});
  });

  it('returns a deeply frozen spec', () => {
    const { spec } = parseSpecText(`${SIM}models:\n  m:\n    provider: sim\n    price: { input: 1, output: 2 }\n`, 'x.yaml', {});
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.models.m!.price)).toBe(true);
    expect(() => {
      (spec.models.m!.price as { input: number }).input = 5;
    }).toThrow(TypeError);
  });

  it('hashes the canonical spec: formatting, order and comments do not change it, content does', () => {
    const a = parseSpecText(`${SIM}models:\n  m: { provider: sim, type: chat }\n`, 'a.yaml', {});
    const b = parseSpecText(`# comment\nmodels:\n  m:\n    type: chat\n    provider: sim\nproviders: { sim: { kind: sim } }\n`, 'b.yaml', {});
    const c = parseSpecText(`${SIM}models:\n  m: { provider: sim, type: embedding }\n`, 'c.yaml', {});
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  it('reports a missing required field at the parent key', () => {
    expect(issuesOf(`${SIM}models:\n  small:\n    type: chat\n`)).toEqual([
      "5:3 models.small: missing required field 'provider' (expected a string)",
    ]);
  });

  it('names unknown fields with the allowed ones, at the key', () => {
    expect(issuesOf(`${SIM}models:\n  m:\n    provider: sim\n    pirce: 1\n`)).toEqual([
      "7:5 models.m.pirce: unknown field 'pirce' (allowed: provider, upstream, type, price, context_window, max_output_tokens, capability, ttft_ms, tokens_per_second, dimensions, fallbacks, retry, circuit_breaker, timeout_ms)",
    ]);
    expect(issuesOf('bogus: 1\n')[0]).toMatch(/^1:1 bogus: unknown field 'bogus' \(allowed: version, server, providers, models, aliases, tenants, teams, agents, keys/);
  });

  it('lists allowed fields of the chosen provider kind', () => {
    expect(issuesOf('providers:\n  o:\n    kind: openai\n    base_url: https://x.test\n    seed: 1\n')).toEqual([
      "5:5 providers.o.seed: unknown field 'seed' (allowed: kind, base_url, api_key, headers, timeout_ms, retry, circuit_breaker)",
    ]);
  });

  it('explains wrong types at the value', () => {
    expect(issuesOf(`${SIM}models:\n  m:\n    provider: sim\n    price:\n      input: abc\n      output: 1\n`)).toEqual([
      "8:14 models.m.price.input: expected a number, got 'abc'",
    ]);
    expect(issuesOf('providers:\n  sim:\n    kind: sim\n    seed: 1.5\n')).toEqual(['4:11 providers.sim.seed: expected an integer, got 1.5']);
  });

  it('lists allowed enum values', () => {
    expect(issuesOf('server:\n  durability: fast\n')).toEqual(["2:15 server.durability: expected one of: batched, strict (got 'fast')"]);
  });

  it('explains unknown and missing discriminators', () => {
    expect(issuesOf('providers:\n  a:\n    kind: simx\n  b:\n    base_url: https://x.test\n')).toEqual([
      "3:11 providers.a.kind: unknown kind 'simx' (allowed: sim, openai, anthropic)",
      "4:3 providers.b: missing required field 'kind' (expected one of: sim, openai, anthropic)",
    ]);
  });

  it('explains bounds, formats and custom messages', () => {
    expect(issuesOf('server:\n  max_body_bytes: 0\n')).toEqual(['2:19 server.max_body_bytes: must be > 0 (got 0)']);
    expect(issuesOf('providers:\n  o:\n    kind: openai\n    base_url: not-a-url\n')).toEqual([
      "4:15 providers.o.base_url: expected an http(s) URL (got 'not-a-url')",
    ]);
    expect(issuesOf('keys:\n  k:\n    value: short\n')).toEqual(['3:12 keys.k.value: a key must have at least 16 characters']);
  });

  it('reports an empty value at its key', () => {
    expect(issuesOf(`${SIM}models:\n  m:\n`)).toEqual(['5:3 models.m: expected a mapping (key: value), got an empty value']);
  });

  it('reports invalid ids at the key', () => {
    expect(issuesOf('tenants:\n  "bad id!": {}\n')[0]).toMatch(/^2:3 tenants\["bad id!"\]: invalid name 'bad id!': expected an id/);
  });

  it('reports cross-reference errors at the referring field', () => {
    expect(issuesOf(`${SIM}models:\n  m:\n    provider: nope\naliases:\n  a: missing\n`)).toEqual([
      "6:15 models.m.provider: unknown provider 'nope'; declared providers: sim",
      "8:6 aliases.a: alias target 'missing' is not a declared model",
    ]);
  });

  it('collects every issue, sorted by position', () => {
    const issues = issuesOf(`server:\n  durability: x\n${SIM}    seed: x\nmodels:\n  m:\n    type: y\n`);
    expect(issues.map((i) => i.split(' ')[0])).toEqual(['2:15', '6:11', '8:3', '9:11']);
  });

  it('locates items inside lists', () => {
    expect(issuesOf('providers:\n  sim:\n    kind: sim\n    scripts:\n      - match: hi\n        reply: hello\n      - match: ""\n        reply: x\n')).toEqual([
      '7:16 providers.sim.scripts[1].match: must have at least 1 characters (got \'\')',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(issuesOf('models:\n  a: 1\n a: 2\n')).toContain('3:1 : YAML syntax error: All mapping items must start at the same column');
    expect(issuesOf('tenants:\n  a: {}\n  a: {}\n')).toEqual(['3:3 : YAML syntax error: Map keys must be unique']);
  });

  it('rejects a top level that is not a mapping', () => {
    expect(issuesOf('- 1\n- 2\n')).toEqual(['1:1 : expected a mapping (key: value) at the top level']);
  });

  it('supports anchors and merge keys', () => {
    const { spec } = parseSpecText(`${SIM}models:\n  a: &base { provider: sim, capability: 0.5 }\n  b: { <<: *base, capability: 0.7 }\n`, 'm.yaml', {});
    expect(spec.models.b).toMatchObject({ provider: 'sim', capability: 0.7 });
  });

  it('formats the error message as file:line:column path: message', () => {
    expect(() => parseSpecText('server:\n  durability: x\n', 'conf/daca.yaml', {})).toThrow(
      "conf/daca.yaml:2:15 server.durability: expected one of: batched, strict (got 'x')",
    );
  });
});

describe('loadSpecFile', () => {
  it('loads a file and reports its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daca-spec-'));
    const file = join(dir, 'daca.yaml');
    await writeFile(file, `${SIM}models:\n  m:\n    provider: sim\n    upstream: \${UP:-gpt-4o}\n`);
    const loaded = await loadSpecFile(file, { UP: 'gpt-4o-mini' });
    expect(loaded.source).toBe(file);
    expect(loaded.spec.models.m!.upstream).toBe('gpt-4o-mini');
  });

  it('fails with a SpecError naming the file when it is missing', async () => {
    const file = join(tmpdir(), 'daca-does-not-exist', 'daca.yaml');
    await expect(loadSpecFile(file, {})).rejects.toThrow(`${file}:1:1 (root): cannot read spec: file not found`);
  });
});
