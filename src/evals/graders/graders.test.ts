/**
 * Graders compiled from suite declarations, run on grade contexts: text, JSON schema, tool calls,
 * a custom module on disk, and `{{expected}}` templates.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../errors.js';
import { parseSuiteText } from '../suite-loader.js';
import { compileGraders } from './compile.js';
import type { GradeContext } from './types.js';

function ctx(output: string, extra: Partial<GradeContext> = {}): GradeContext {
  return { caseId: 'a', persona: 'neutral', input: 'q', output, expected: 'Paris', toolCalls: [], context: [], transcript: [], trial: 0, ...extra };
}

async function gradersOf(graders: string, caseExtra = '', dir?: string) {
  const yaml = `name: s\ngraders:\n${graders}\ncases:\n  - { id: a, input: q, expected: Paris${caseExtra} }\n`;
  const suite = parseSuiteText(yaml, join(dir ?? tmpdir(), 's.yaml'));
  return (await compileGraders(suite)).get('a')!;
}

describe('graders', () => {
  it('exact, contains, not_contains and regex, with {{expected}}', async () => {
    const g = await gradersOf(
      [
        '  - { type: contains, value: "{{expected}}" }',
        '  - { type: not_contains, value: [Berlin, Rome] }',
        '  - { type: regex, pattern: "^The answer is \\\\w+\\\\.$" }',
        '  - { type: exact, value: "the answer is paris.", ignore_case: true, name: exact-ci }',
      ].join('\n'),
    );
    const ok = await Promise.all(g.map((x) => x.grade(ctx('The answer is Paris.'))));
    expect(ok.map((r) => r.pass)).toEqual([true, true, true, true]);
    const bad = await Promise.all(g.map((x) => x.grade(ctx('The answer is Rome, not Paris!'))));
    expect(bad.map((r) => r.pass)).toEqual([true, false, false, false]);
    expect(bad[1]!.reason).toBe('output contains "Rome"');
    expect(g[3]!.name).toBe('exact-ci');
  });

  it('escapes the expected answer inside regex templates', async () => {
    const [g] = await gradersOf('  - { type: regex, pattern: "^{{expected}}$" }', '');
    expect((await g!.grade(ctx('Paris'))).pass).toBe(true);
    const suite = parseSuiteText('name: s\ngraders: [{ type: regex, pattern: "^{{expected}}$" }]\ncases: [{ id: a, input: q, expected: "a+b" }]\n', 's.yaml');
    const [r] = (await compileGraders(suite)).get('a')!;
    expect((await r!.grade(ctx('a+b'))).pass).toBe(true);
    expect((await r!.grade(ctx('aab'))).pass).toBe(false);
  });

  it('json_schema validates the JSON in the output', async () => {
    const [g] = await gradersOf('  - { type: json_schema, schema: { type: object, required: [answer, score], properties: { answer: { type: string }, score: { type: integer, minimum: 0, maximum: 10 } }, additionalProperties: false } }');
    expect((await g!.grade(ctx('Here you go:\n```json\n{"answer":"Paris","score":9}\n```'))).pass).toBe(true);
    const r = await g!.grade(ctx('{"answer": 3, "score": 11, "extra": true}'));
    expect(r.pass).toBe(false);
    expect(r.reason).toBe('answer: expected string, got integer; score: above 10; extra: not allowed');
    expect((await g!.grade(ctx('no json here'))).reason).toBe('output is not JSON');
  });

  it('tool_calls matches names and argument subsets, in order and exclusively when asked', async () => {
    const [loose, strict] = await gradersOf(
      '  - { type: tool_calls }\n  - { type: tool_calls, ordered: true, exclusive: true, calls: [{ name: search }, { name: lookup_order, arguments: { id: 42 } }] }',
      ', expected_tools: [{ name: lookup_order, arguments: { id: 42 } }]',
    );
    const calls = [{ name: 'search', arguments: { q: 'x' } }, { name: 'lookup_order', arguments: { id: '42', verbose: true } }];
    expect((await loose!.grade(ctx('', { toolCalls: calls }))).pass).toBe(true);
    expect((await strict!.grade(ctx('', { toolCalls: calls }))).pass).toBe(true);
    expect((await strict!.grade(ctx('', { toolCalls: [...calls].reverse() }))).reason).toMatch(/expected a call to lookup_order .* \(in order\); called lookup_order, search/);
    expect((await strict!.grade(ctx('', { toolCalls: [...calls, { name: 'refund', arguments: {} }] }))).reason).toBe('unexpected tool calls: refund');
    expect((await loose!.grade(ctx('', { toolCalls: [{ name: 'lookup_order', arguments: { id: 7 } }] }))).pass).toBe(false);
  });

  it('custom graders load a module relative to the suite and survive throwing functions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grader-'));
    writeFileSync(join(dir, 'polite.mjs'), 'export function grade(ctx) { if (ctx.output === "boom") throw new Error("kaput"); return { pass: /please|thanks/i.test(ctx.output), score: 0.5, reason: "checked" }; }\nexport const yes = () => true;\n');
    const [g, y] = await gradersOf('  - { type: custom, module: ./polite.mjs }\n  - { type: custom, module: ./polite.mjs, export: yes }', '', dir);
    expect(await g!.grade(ctx('Thanks, Paris.'))).toEqual({ pass: true, score: 0.5, reason: 'checked' });
    expect((await g!.grade(ctx('Paris.'))).pass).toBe(false);
    expect(await g!.grade(ctx('boom'))).toEqual({ pass: false, score: 0, reason: 'grader threw: kaput' });
    expect(await y!.grade(ctx('x'))).toEqual({ pass: true, score: 1 });
    await expect(gradersOf('  - { type: custom, module: ./missing.mjs }', '', dir)).rejects.toThrow(InvalidRequestError);
    await expect(gradersOf('  - { type: custom, module: ./polite.mjs, export: nope }', '', dir)).rejects.toThrow(/does not export a function 'nope'/);
  });

  it('adds implied graders from expected and expected_tools when none are declared', async () => {
    const suite = parseSuiteText('name: s\ncases:\n  - { id: a, input: q, expected: Paris, expected_tools: [{ name: t }] }\n  - { id: b, input: q }\n', 's.yaml');
    const g = await compileGraders(suite);
    expect(g.get('a')!.map((x) => x.kind)).toEqual(['contains', 'tool_calls']);
    expect(g.get('b')).toEqual([]);
  });

  it('judge graders need a model API', async () => {
    await expect(gradersOf('  - { type: judge, rubric: "Be right." }')).rejects.toThrow(/needs a model API/);
  });
});
