/**
 * Turns grader declarations into graders, per case: a case's own `graders`, else the suite's, else
 * graders implied by the case (`expected` → contains, `expected_tools` → tool_calls). Text grader
 * values may use `{{expected}}` for the case's expected answer.
 */
import { InvalidRequestError } from '../../errors.js';
import type { ChatClient } from '../chat-client.js';
import type { CaseSpec, GraderSpec } from '../suite-schema.js';
import type { Suite } from '../suite.js';
import { customGrader, loadCustomGrader } from './custom.js';
import { jsonSchemaGrader } from './json-schema.js';
import { judgeGrader, type JudgeCache } from './judge.js';
import { containsGrader, exactGrader, regexGrader } from './text.js';
import { toolCallsGrader } from './tool-calls.js';
import type { Grader } from './types.js';

/** What judge graders need. */
export interface GraderDeps {
  /** Client for judge calls; required when a suite uses `judge`. */
  client?: ChatClient;
  /** Default judge model (the suite's `judge.model`, else the agent's model). */
  judgeModel?: string;
  cache?: JudgeCache;
}

const TEMPLATE = '{{expected}}';

function dependsOnCase(g: GraderSpec): boolean {
  if (g.type === 'tool_calls') return g.calls === undefined;
  if (g.type === 'exact' || g.type === 'regex') return (g.type === 'exact' ? g.value : g.pattern).includes(TEMPLATE);
  if (g.type === 'contains' || g.type === 'not_contains') return (Array.isArray(g.value) ? g.value : [g.value]).some((v) => v.includes(TEMPLATE));
  return false;
}

function fill(text: string, c: CaseSpec, forRegex = false): string {
  if (!text.includes(TEMPLATE)) return text;
  if (c.expected === undefined) throw new InvalidRequestError(`case '${c.id}': a grader uses {{expected}} but the case has no expected answer`);
  return text.split(TEMPLATE).join(forRegex ? c.expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : c.expected);
}

async function compileOne(g: GraderSpec, c: CaseSpec, suite: Suite, deps: GraderDeps, modules: Map<string, Promise<Grader>>): Promise<Grader> {
  switch (g.type) {
    case 'exact':
      return exactGrader(fill(g.value, c), g.ignore_case, g.name);
    case 'contains':
    case 'not_contains':
      return containsGrader((Array.isArray(g.value) ? g.value : [g.value]).map((v) => fill(v, c)), g.ignore_case, g.type === 'not_contains', g.name);
    case 'regex':
      return regexGrader(fill(g.pattern, c, true), g.flags, g.name);
    case 'json_schema':
      return jsonSchemaGrader(g.schema, g.name);
    case 'tool_calls':
      return toolCallsGrader(g.calls ?? c.expected_tools, { ordered: g.ordered, exclusive: g.exclusive }, g.name);
    case 'custom': {
      if (g.grade) return customGrader(g.grade, g.name);
      const key = `${g.module}#${g.export}`;
      let p = modules.get(key);
      if (!p) modules.set(key, (p = loadCustomGrader(g.module!, g.export, suite.baseDir, g.name)));
      return p;
    }
    case 'judge': {
      const model = g.model ?? deps.judgeModel;
      if (!deps.client || !model) throw new InvalidRequestError(`grader 'judge' needs a model API (--base-url) and a judge model (suite judge.model or --judge-model)`);
      deps.cache ??= new Map();
      return judgeGrader({ client: deps.client, model, rubric: g.rubric, threshold: g.threshold, cache: deps.cache, ...(g.name ? { name: g.name } : {}) });
    }
  }
}

/**
 * Compiles the graders of every case of `suite`.
 *
 * @returns graders by case id.
 * @throws {InvalidRequestError} for a bad regex, a missing module, or a judge without a model.
 * @example
 * ```ts
 * const graders = await compileGraders(suite, { client, judgeModel: 'judge' });
 * ```
 */
export async function compileGraders(suite: Suite, deps: GraderDeps = {}): Promise<Map<string, Grader[]>> {
  const modules = new Map<string, Promise<Grader>>();
  const shared = new Map<GraderSpec, Grader>();
  const out = new Map<string, Grader[]>();
  for (const c of suite.spec.cases) {
    let specs: readonly GraderSpec[] = c.graders ?? suite.spec.graders;
    if (specs.length === 0) {
      const implied: GraderSpec[] = [];
      if (c.expected !== undefined) implied.push({ type: 'contains', value: c.expected, ignore_case: true });
      if (c.expected_tools.length) implied.push({ type: 'tool_calls', ordered: false, exclusive: false });
      specs = implied;
    }
    const list: Grader[] = [];
    for (const g of specs) {
      if (c.graders === undefined && !dependsOnCase(g)) {
        let s = shared.get(g);
        if (!s) shared.set(g, (s = await compileOne(g, c, suite, deps, modules)));
        list.push(s);
      } else list.push(await compileOne(g, c, suite, deps, modules));
    }
    out.set(c.id, list);
  }
  return out;
}
