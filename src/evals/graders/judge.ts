/**
 * LLM-as-judge: a model (through daca, so the call is metered like any other) applies a rubric to
 * the answer and returns a verdict. Identical judge calls within a run are made once (in-run
 * cache keyed by model, rubric, question, expected answer and output). With the sim provider the
 * verdicts are deterministic.
 */
import type { ChatClient } from '../chat-client.js';
import type { Grader, GradeContext, GradeResult } from './types.js';

/** A shared in-run cache of judge verdicts (one per identical call). */
export type JudgeCache = Map<string, Promise<GradeResult>>;

const SCHEMA = {
  type: 'json_schema',
  json_schema: {
    name: 'verdict',
    schema: {
      type: 'object',
      properties: { verdict: { type: 'string', enum: ['pass', 'fail'] }, score: { type: 'number', minimum: 0, maximum: 1 }, reason: { type: 'string' } },
      required: ['verdict', 'score', 'reason'],
      additionalProperties: false,
    },
  },
};

const SYSTEM =
  'You are an impartial grader. Apply the rubric to the answer and reply with JSON only: ' +
  '{"verdict": "pass" | "fail", "score": number between 0 and 1, "reason": short string}.';

/** Reads a verdict from the judge's reply: JSON `{verdict, score}`, else PASS/FAIL or `score: x` in text. */
export function parseVerdict(text: string, threshold: number): GradeResult {
  try {
    const v = JSON.parse(text) as { verdict?: unknown; score?: unknown; reason?: unknown };
    const score = typeof v.score === 'number' && Number.isFinite(v.score) ? Math.min(1, Math.max(0, v.score)) : undefined;
    const reason = typeof v.reason === 'string' ? v.reason.slice(0, 200) : undefined;
    if (v.verdict === 'pass' || v.verdict === 'fail') return { pass: v.verdict === 'pass', score: score ?? (v.verdict === 'pass' ? 1 : 0), ...(reason ? { reason } : {}) };
    if (score !== undefined) return { pass: score >= threshold, score, ...(reason ? { reason } : {}) };
  } catch {
    /* plain text */
  }
  const s = /score\W{0,3}(\d+(?:\.\d+)?)/i.exec(text);
  if (s) {
    let score = Number(s[1]);
    if (score > 1) score = score / 10;
    return { pass: score >= threshold, score: Math.min(1, score), reason: text.slice(0, 200) };
  }
  const m = /\b(pass|fail)\b/i.exec(text);
  if (m) return { pass: m[1]!.toLowerCase() === 'pass', score: m[1]!.toLowerCase() === 'pass' ? 1 : 0, reason: text.slice(0, 200) };
  return { pass: false, score: 0, reason: `judge gave no verdict: ${text.slice(0, 120)}` };
}

/**
 * A grader that asks `model` to apply `rubric`.
 *
 * @example
 * ```ts
 * const g = judgeGrader({ client, model: 'judge', rubric: 'Polite and correct.', threshold: 0.5, cache: new Map() });
 * ```
 */
export function judgeGrader(opts: { client: ChatClient; model: string; rubric: string; threshold: number; cache: JudgeCache; name?: string }): Grader {
  const { client, model, rubric, threshold, cache } = opts;
  return {
    name: opts.name ?? 'judge',
    kind: 'judge',
    async grade(ctx: GradeContext): Promise<GradeResult> {
      const user = `Rubric:\n${rubric}\n\nQuestion:\n${ctx.input}\n\n${ctx.expected !== undefined ? `Expected answer:\n${ctx.expected}\n\n` : ''}Answer to grade:\n${ctx.output}`;
      const key = `${model}\u0000${user}`;
      const hit = cache.get(key);
      if (hit) return { ...(await hit), costMicros: 0 };
      const p = client
        .chat({ model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: user }], temperature: 0, response_format: SCHEMA })
        .then((r) => ({ ...parseVerdict(r.content, threshold), costMicros: r.costMicros }));
      cache.set(key, p);
      try {
        return await p;
      } catch (e) {
        cache.delete(key);
        return { pass: false, score: 0, reason: `judge call failed: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
  };
}
