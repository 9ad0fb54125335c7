import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import { interpolateString } from './interpolate.js';
import { parseSpecText } from './loader.js';

const head = 'providers:\n  o:\n    kind: openai\n';

function specError(text: string, env: Record<string, string>): SpecError {
  try {
    parseSpecText(text, 'daca.yaml', env);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('expected a SpecError');
}

describe('interpolateString', () => {
  it('substitutes, defaults and escapes', () => {
    expect(interpolateString('a ${X} b', { X: '1' }).value).toBe('a 1 b');
    expect(interpolateString('${X:-fallback}', {}).value).toBe('fallback');
    expect(interpolateString('${X:-fallback}', { X: '' }).value).toBe('fallback');
    expect(interpolateString('${X:-}', {}).value).toBe('');
    expect(interpolateString('${X}', { X: '' }).value).toBe('');
    expect(interpolateString('$${X} and $${Y:-z}', { X: 'no' }).value).toBe('${X} and ${Y:-z}');
    expect(interpolateString('price $5 {x}', {}).value).toBe('price $5 {x}');
  });

  it('reports unset variables and malformed references', () => {
    expect(interpolateString('${A}-${B}', { A: 'a' }).problems.map((p) => p.message)).toEqual([
      "environment variable 'B' is not set; set B or give a default with ${B:-value}",
    ]);
    expect(interpolateString('${not valid}', {}).problems[0]!.message).toMatch(/malformed variable reference/);
  });
});

describe('interpolation in a spec', () => {
  it('interpolates values in place, including quoted and nested ones', () => {
    const { spec } = parseSpecText(
      `${head}    base_url: "\${BASE:-http://127.0.0.1:9/v1}"\n    api_key: \${KEY}\n    headers:\n      x-org: 'org-\${ORG}'\n`,
      'd.yaml',
      { KEY: 'sk-123', ORG: 'acme' },
    );
    expect(spec.providers.o).toMatchObject({ base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-123', headers: { 'x-org': 'org-acme' } });
  });

  it('re-types plain scalars after substitution but keeps quoted ones strings', () => {
    const { spec } = parseSpecText('server:\n  max_body_bytes: ${MAX:-1024}\n  dev_key: ${DEV}\n', 'd.yaml', { DEV: 'false' });
    expect(spec.server.max_body_bytes).toBe(1024);
    expect(spec.server.dev_key).toBe(false);
    const err = specError('server:\n  max_body_bytes: "${MAX:-1024}"\n', {});
    expect(err.issues[0]).toMatchObject({ line: 2, column: 19, path: 'server.max_body_bytes', message: "expected a number, got '1024'" });
  });

  it('keeps $${...} literal', () => {
    const { spec } = parseSpecText(`${head}    base_url: http://x.test\n    headers:\n      t: "$\${HOME}"\n`, 'd.yaml', { HOME: '/root' });
    expect(spec.providers.o).toMatchObject({ headers: { t: '${HOME}' } });
  });

  it('names file, line, column, path and variable for every missing variable', () => {
    const err = specError(`${head}    base_url: \${BASE}\n    api_key: "Bearer \${OPENAI_API_KEY}"\n`, {});
    expect(err.issues).toEqual([
      { file: 'daca.yaml', line: 4, column: 15, path: 'providers.o.base_url', message: "environment variable 'BASE' is not set; set BASE or give a default with ${BASE:-value}" },
      { file: 'daca.yaml', line: 5, column: 22, path: 'providers.o.api_key', message: "environment variable 'OPENAI_API_KEY' is not set; set OPENAI_API_KEY or give a default with ${OPENAI_API_KEY:-value}" },
    ]);
    expect(err.message).toContain('daca.yaml:5:22 providers.o.api_key: environment variable');
  });

  it('points at each reference inside one scalar and inside lists', () => {
    const err = specError('agents:\n  a:\n    team: t\n    models: [x, "${M1}/${M2}"]\n', {});
    expect(err.issues.map((i) => `${i.line}:${i.column} ${i.path}`)).toEqual(['4:18 agents.a.models[1]', '4:24 agents.a.models[1]']);
  });

  it('leaves map keys and comments alone', () => {
    expect(parseSpecText('# uses ${NOT_SET}\ntenants:\n  t: {}\n', 'd.yaml', {}).spec.tenants).toEqual({ t: {} });
    const err = specError('tenants:\n  ${KEY}: {}\n', { KEY: 'k' });
    expect(err.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^invalid name '\$\{KEY\}': expected an id/)]);
  });
});
