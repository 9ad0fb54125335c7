/**
 * One trial: a case played by a persona, single- or multi-turn. The persona rewrites the first
 * message; after every agent reply the graders run, and the conversation ends when they all pass
 * (goal achieved), when the simulated user has nothing to add, or after the case's maximum turns.
 */
import type { AgentUnderTest } from './agents/types.js';
import type { Grader, GradeContext, RecordedToolCall, StoredGrade, TranscriptMessage } from './graders/types.js';
import { checkClaims, indexSupport } from './hallucination.js';
import type { Persona } from './personas.js';
import type { TrialResult } from './results.js';
import { trialKey } from './results.js';
import type { SimulatedUser } from './simulated-user.js';
import type { CaseSpec } from './suite-schema.js';

/** Everything a trial needs. */
export interface TrialInput {
  testCase: CaseSpec;
  persona: Persona;
  trial: number;
  seed: number;
  maxTurns: number;
  agent: AgentUnderTest;
  graders: readonly Grader[];
  /** Required when `maxTurns` > 1. */
  simUser?: SimulatedUser;
  now: () => number;
}

const MARKERS = /\[sim:[a-z_]+=[^\]]*\]/gi;

async function gradeAll(graders: readonly Grader[], ctx: GradeContext): Promise<{ grades: StoredGrade[]; pass: boolean; cost: number }> {
  const grades: StoredGrade[] = [];
  let pass = true;
  let cost = 0;
  for (const g of graders) {
    const r = await g.grade(ctx);
    cost += r.costMicros ?? 0;
    if (!r.pass) pass = false;
    const stored: StoredGrade = { name: g.name, kind: g.kind, pass: r.pass };
    if (r.score !== undefined) stored.score = r.score;
    if (r.reason !== undefined) stored.reason = r.reason;
    grades.push(stored);
  }
  return { grades, pass, cost };
}

/**
 * Runs one trial and returns its result (errors are recorded, never thrown).
 *
 * @example
 * ```ts
 * const r = await runTrial({ testCase, persona, trial: 0, seed: 7, maxTurns: 1, agent, graders, now: Date.now });
 * ```
 */
export async function runTrial(t: TrialInput): Promise<TrialResult> {
  const c = t.testCase;
  const started = performance.now();
  const history: TranscriptMessage[] = [];
  const toolCalls: RecordedToolCall[] = [];
  const supportTexts: string[] = [...c.context, c.input];
  const outputs: string[] = [];
  const result: TrialResult = {
    key: trialKey(c.id, t.persona.id, t.trial),
    caseId: c.id,
    persona: t.persona.id,
    trial: t.trial,
    seed: t.seed,
    completed: false,
    passed: false,
    error: null,
    turns: 0,
    latencyMs: 0,
    timeToSuccessMs: null,
    promptTokens: 0,
    completionTokens: 0,
    costMicros: 0,
    evalCostMicros: 0,
    claims: 0,
    unsupportedClaims: 0,
    hallucinated: false,
    grades: [],
    output: '',
    finishedAt: 0,
  };
  const caseView = { id: c.id, input: c.input, context: c.context, tags: c.tags };
  let input = t.persona.rewrite(c.input, t.seed);
  try {
    for (let turn = 1; turn <= t.maxTurns; turn++) {
      const reply = await t.agent.respond({ input, history, case: caseView, persona: t.persona.id, seed: t.seed });
      result.turns = turn;
      result.promptTokens += reply.promptTokens;
      result.completionTokens += reply.completionTokens;
      result.costMicros += reply.costMicros;
      for (const call of reply.toolCalls) toolCalls.push(call);
      for (const r of reply.toolResults) supportTexts.push(r);
      supportTexts.push(input);
      history.push({ role: 'user', content: input });
      for (const r of reply.toolResults) history.push({ role: 'tool', content: r });
      history.push({ role: 'assistant', content: reply.output });
      outputs.push(reply.output);
      result.output = reply.output;
      const graded = await gradeAll(t.graders, {
        caseId: c.id,
        persona: t.persona.id,
        input: c.input,
        output: reply.output,
        expected: c.expected,
        toolCalls,
        context: c.context,
        transcript: history,
        trial: t.trial,
      });
      result.evalCostMicros += graded.cost;
      result.grades = graded.grades;
      if (graded.pass) {
        result.passed = true;
        result.timeToSuccessMs = performance.now() - started;
        break;
      }
      if (turn === t.maxTurns || !t.simUser) break;
      const goal = (c.goal ?? c.input).replace(MARKERS, '').trim();
      const next = await t.simUser.next({ persona: t.persona, goal, history, seed: t.seed });
      result.evalCostMicros += next.costMicros;
      if (!next.text) break;
      input = next.text;
    }
    result.completed = true;
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
  }
  const index = indexSupport(supportTexts);
  const unsupported: string[] = [];
  for (const out of outputs) {
    const check = checkClaims(out, index);
    result.claims += check.claims;
    result.unsupportedClaims += check.unsupportedCount;
    for (const u of check.unsupported) if (unsupported.length < 3) unsupported.push(u.sentence);
  }
  result.hallucinated = result.unsupportedClaims > 0;
  if (unsupported.length) result.unsupported = unsupported;
  if (result.output.length > 2000) result.output = result.output.slice(0, 2000);
  result.latencyMs = performance.now() - started;
  result.finishedAt = t.now();
  return result;
}
