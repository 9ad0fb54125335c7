/**
 * Suite YAML: defaults, located errors (file:line:column field: message), and defineSuite.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import { defineSuite } from './define-suite.js';
import { loadSuiteFile, parseSuiteLocated, parseSuiteText } from './suite-loader.js';

const GOOD = `name: support
agent: { kind: prompt, model: stable, system: "Be brief." }
personas: [novice, expert, { id: pirate, prefix: "Arr!", style: "a pirate" }]
trials: 3
cases:
  - id: refund
    input: "How do I get a refund?"
    context: ["Refunds take 5 days."]
    expected: "5 days"
  - id: tools
    input: "Where is order 42?"
    expected_tools: [{ name: lookup_order, arguments: { id: 42 } }]
    turns: 3
`;

function errorOf(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('expected a SpecError');
}

describe('parseSuiteText', () => {
  it('applies defaults and fingerprints the suite without its agent', () => {
    const s = parseSuiteText(GOOD, 'support.yaml');
    expect(s.spec.trials).toBe(3);
    expect(s.spec.turns).toBe(1);
    expect(s.spec.gate).toEqual({ alpha: 0.05, min_effect: 0.05 });
    expect(s.spec.cases[1]!.turns).toBe(3);
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(parseSuiteText(GOOD.replace('model: stable', 'model: canary'), 'x.yaml').hash).toBe(s.hash);
    expect(parseSuiteText(GOOD.replace('5 days.', '6 days.'), 'x.yaml').hash).not.toBe(s.hash);
    expect(Object.isFrozen(s.spec.cases)).toBe(true);
  });

  it('reports every problem with file, line, column and field', () => {
    const bad = `name: support
trials: many
personas: [novice, wizard]
graders:
  - { type: contain, value: x }
cases:
  - id: a
    input: hi
    colour: red
`;
    const e = errorOf(() => parseSuiteText(bad, 'bad.yaml'));
    const text = e.message;
    expect(text).toMatch(/^bad\.yaml:2:\d+ trials: expected a number/m);
    expect(text).toMatch(/^bad\.yaml:3:\d+ personas\[1\]: /m);
    expect(text).toMatch(/^bad\.yaml:5:\d+ graders\[0\]\.type: unknown type 'contain' \(allowed: exact, contains, not_contains, regex, json_schema, tool_calls, custom, judge\)/m);
    expect(text).toMatch(/^bad\.yaml:9:\d+ cases\[0\]\.colour: unknown field 'colour'/m);
    expect(text).toMatch(/personas\[1\]: .*a built-in persona \(neutral, novice/);
    expect(e.issues).toHaveLength(4);
    const dup = errorOf(() => parseSuiteText('name: s\ncases:\n  - { id: a, input: x }\n  - { id: a, input: y }\n', 'dup.yaml'));
    expect(dup.message).toMatch(/^dup\.yaml:4:\d+ cases\[1\]\.id: duplicate case id 'a'$/);
  });

  it('reports YAML syntax errors and missing files with a position', async () => {
    expect(errorOf(() => parseSuiteText('name: [unclosed\n', 's.yaml')).message).toMatch(/^s\.yaml:\d+:\d+ \(root\): YAML syntax error/);
    expect(errorOf(() => parseSuiteText('name: x\n', 's.yaml')).message).toMatch(/missing required field 'cases'/);
    const dir = mkdtempSync(join(tmpdir(), 'suite-'));
    await expect(loadSuiteFile(join(dir, 'nope.yaml'))).rejects.toThrow(/nope\.yaml:1:1 \(root\): cannot read suite: file not found/);
    writeFileSync(join(dir, 'ok.yaml'), GOOD);
    expect((await loadSuiteFile(join(dir, 'ok.yaml'))).baseDir).toBe(dir);
  });
});

describe('defineSuite', () => {
  it('accepts inline grade functions and rejects bad fields by path', () => {
    const s = defineSuite({
      name: 'ts-suite',
      cases: [{ id: 'a', input: 'hi' }],
      graders: [{ type: 'custom', grade: (ctx) => ctx.output.length > 0 }],
    });
    expect(s.source).toBe('(typescript)');
    expect(s.spec.graders[0]!.type).toBe('custom');
    // @ts-expect-error trials must be a number
    const e = errorOf(() => defineSuite({ name: 'x', trials: 'lots', cases: [{ id: 'a', input: 'hi' }] }));
    expect(e.issues[0]!.path).toBe('trials');
  });
});

describe('the fast loader', () => {
  // Valid suites take the fast path; it must read exactly what the located parser reads.
  const ANCHORS = `name: anchors
agent: { kind: prompt, model: stable }
cases:
  - &d { id: one, input: "first?", expected: "yes", context: ["a", 'b'], turns: 2 }
  - <<: *d
    id: two
    input: |
      multi
      line
    turns: 3
  - { id: three, input: 'it''s 0x1F and 1e3 and ~ and true', expected: "2024-01-01" }
  - { id: four, input: plain words, tags: [a, "2"] }
`;
  it.each([
    ['GOOD', GOOD],
    ['anchors and merge keys', ANCHORS],
    ['examples/evals/support.yaml', readFileSync(new URL('../../examples/evals/support.yaml', import.meta.url), 'utf8')],
  ])('reads %s exactly as the located parser does', (_name, text) => {
    const fast = parseSuiteText(text, 's.yaml', '/x');
    const located = parseSuiteLocated(text, 's.yaml', '/x');
    expect(fast.spec).toEqual(located.spec);
    expect(fast.hash).toBe(located.hash);
  });

  it('leaves a duplicate key to the located parser, which names its line', () => {
    const e = errorOf(() => parseSuiteText('name: a\nname: b\ncases: [{ id: x, input: hi }]\n', 'dup-key.yaml'));
    expect(e.message).toMatch(/^dup-key\.yaml:2:\d+ .*(unique|duplicate)/im);
  });
});
