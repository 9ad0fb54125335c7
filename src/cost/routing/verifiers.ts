/**
 * Verifiers: decide whether a cheap model's answer is good enough, or the cascade escalates.
 *
 * - `consistency`: a second, cheaper sample of the same model (another seed, some temperature,
 *   `max_tokens` just past where the first stated its answer) must state the same final answer.
 *   Disagreement signals uncertainty (self-consistency, as in Wang et al. 2023 and answer-consistency
 *   cascades).
 * - `json_schema`: the answer parses and validates against the request's (or a given) schema.
 * - `heuristic`: the model's own confidence without logprobs: empty or short answers, refusals and
 *   hedging phrases are rejected.
 * - `regex`: the answer must (or must not) match.
 * - `judge`: a judge model grades the answer (the evals' rubric prompt and verdict parser).
 */
import { InvalidRequestError } from '../../errors.js';
import { validateJsonSchema } from '../../evals/graders/json-schema.js';
import { parseVerdict } from '../../evals/graders/judge.js';
import { countTextTokens } from '../../metering/tokenizer.js';
import type { ChatRequest, ChatResult } from '../../providers/types.js';
import { messageText } from '../../providers/sim/markers.js';
import type { VerifierSpec } from '../cost-spec.js';
import { extractAnswer } from './answer-extract.js';
import type { ModelCall } from './routing-types.js';

/** What a verifier looks at. */
export interface VerifyInput {
  req: ChatRequest;
  result: ChatResult;
  /** The model that answered. */
  model: string;
  /** Calls a model (probes, judges); their cost counts toward the request. */
  call: ModelCall;
}

/** A verifier's verdict. */
export interface Verdict {
  accept: boolean;
  reason: string;
  /** What verification itself cost (probe or judge calls), micro-dollars. */
  costMicros: number;
}

/** Decides whether an answer is good enough. */
export interface Verifier {
  readonly kind: VerifierSpec['type'];
  verify(input: VerifyInput): Promise<Verdict>;
}

function textOf(r: ChatResult): string {
  return r.choices[0]?.message.content ?? '';
}

function hasToolCalls(r: ChatResult): boolean {
  return !!r.choices[0]?.message.tool_calls?.length;
}

const DEFAULT_HEDGES = [
  "i'm not sure", 'i am not sure', "i don't know", 'i do not know', 'not certain', "i can't", 'i cannot', 'i am unable', "i'm unable",
  'as an ai', 'unclear', 'hard to say', 'it depends', 'i may be wrong', 'not enough information', 'insufficient information',
];

function heuristic(spec: Extract<VerifierSpec, { type: 'heuristic' }>): Verifier {
  const hedges = (spec.hedges ?? DEFAULT_HEDGES).map((h) => h.toLowerCase());
  return {
    kind: 'heuristic',
    async verify({ result }) {
      const fr = result.choices[0]?.finish_reason;
      if (fr === 'content_filter') return { accept: false, reason: 'content filtered', costMicros: 0 };
      if (hasToolCalls(result)) return { accept: true, reason: 'tool call', costMicros: 0 };
      const text = textOf(result).trim();
      if (text.length < spec.min_chars) return { accept: false, reason: `answer shorter than ${spec.min_chars} characters`, costMicros: 0 };
      const lower = text.toLowerCase();
      const hedge = hedges.find((h) => lower.includes(h));
      if (hedge) return { accept: false, reason: `hedges or refuses ("${hedge}")`, costMicros: 0 };
      return { accept: true, reason: 'confident answer', costMicros: 0 };
    },
  };
}

function jsonSchema(spec: Extract<VerifierSpec, { type: 'json_schema' }>): Verifier {
  return {
    kind: 'json_schema',
    async verify({ req, result }) {
      if (hasToolCalls(result)) return { accept: true, reason: 'tool call', costMicros: 0 };
      const rf = req.response_format;
      const schema = spec.schema ?? (rf?.type === 'json_schema' ? ((rf.json_schema as { schema?: unknown } | undefined)?.schema ?? true) : rf?.type === 'json_object' ? { type: 'object' } : undefined);
      if (schema === undefined) return { accept: true, reason: 'no schema to check', costMicros: 0 };
      let value: unknown;
      try {
        value = JSON.parse(textOf(result));
      } catch {
        return { accept: false, reason: 'answer is not JSON', costMicros: 0 };
      }
      const errs = validateJsonSchema(schema, value);
      return errs.length ? { accept: false, reason: `schema: ${errs[0]}`, costMicros: 0 } : { accept: true, reason: 'valid JSON', costMicros: 0 };
    },
  };
}

function regex(spec: Extract<VerifierSpec, { type: 'regex' }>): Verifier {
  let re: RegExp;
  try {
    re = new RegExp(spec.pattern, spec.flags);
  } catch (e) {
    throw new InvalidRequestError(`routing verifier regex /${spec.pattern}/: ${(e as Error).message}`);
  }
  return {
    kind: 'regex',
    async verify({ result }) {
      const ok = re.test(textOf(result)) === spec.must_match;
      return { accept: ok, reason: ok ? 'pattern check passed' : `answer ${spec.must_match ? 'does not match' : 'matches'} /${spec.pattern}/`, costMicros: 0 };
    },
  };
}

function consistency(spec: Extract<VerifierSpec, { type: 'consistency' }>): Verifier {
  let pattern: RegExp | undefined;
  if (spec.answer_pattern) {
    try {
      pattern = new RegExp(spec.answer_pattern, 'i');
    } catch (e) {
      throw new InvalidRequestError(`routing verifier answer_pattern: ${(e as Error).message}`);
    }
  }
  const noAnswer = (why: string): Verdict => ({ accept: spec.on_no_answer === 'accept', reason: why, costMicros: 0 });
  return {
    kind: 'consistency',
    async verify({ req, result, model, call }) {
      if (hasToolCalls(result)) return { accept: true, reason: 'tool call', costMicros: 0 };
      const text = textOf(result);
      const first = extractAnswer(text, pattern);
      if (!first) return noAnswer('no final answer to compare');
      const probeTokens = spec.probe_tokens === 'auto' ? countTextTokens(text.slice(0, first.end), model) + 4 : spec.probe_tokens;
      const probe: ChatRequest = {
        ...req,
        seed: (req.seed ?? 0) + 1,
        temperature: Math.max(req.temperature ?? 0, spec.probe_temperature),
        max_tokens: req.max_tokens !== undefined ? Math.min(req.max_tokens, probeTokens) : probeTokens,
      };
      const second = await call(model, probe);
      const other = extractAnswer(textOf(second.result), pattern);
      if (!other) return { accept: spec.on_no_answer === 'accept', reason: 'second sample stated no answer', costMicros: second.costMicros };
      const same = other.value === first.value;
      return { accept: same, reason: same ? `consistent answer "${first.value}"` : `answers differ ("${first.value}" vs "${other.value}")`, costMicros: second.costMicros };
    },
  };
}

const JUDGE_SYSTEM =
  'You are an impartial grader. Apply the rubric to the answer and reply with JSON only: ' +
  '{"verdict": "pass" | "fail", "score": number between 0 and 1, "reason": short string}.';

function judge(spec: Extract<VerifierSpec, { type: 'judge' }>): Verifier {
  return {
    kind: 'judge',
    async verify({ req, result, call }) {
      const u = [...req.messages].reverse().find((m) => m.role === 'user');
      const question = u ? messageText(u.content) : '';
      const jr: ChatRequest = {
        model: spec.model,
        temperature: 0,
        messages: [
          { role: 'system', content: JUDGE_SYSTEM },
          { role: 'user', content: `Rubric:\n${spec.rubric}\n\nQuestion:\n${question}\n\nAnswer to grade:\n${textOf(result)}` },
        ],
        response_format: { type: 'json_object' },
      };
      const r = await call(spec.model, jr);
      const v = parseVerdict(textOf(r.result), spec.threshold);
      return { accept: v.pass, reason: `judge ${spec.model}: ${v.reason ?? (v.pass ? 'pass' : 'fail')}`, costMicros: r.costMicros };
    },
  };
}

/**
 * Compiles a verifier declaration.
 *
 * @throws {InvalidRequestError} when a pattern does not compile.
 * @example
 * ```ts
 * const v = compileVerifier({ type: 'heuristic', min_chars: 1 });
 * ```
 */
export function compileVerifier(spec: VerifierSpec): Verifier {
  switch (spec.type) {
    case 'heuristic':
      return heuristic(spec);
    case 'json_schema':
      return jsonSchema(spec);
    case 'regex':
      return regex(spec);
    case 'consistency':
      return consistency(spec);
    case 'judge':
      return judge(spec);
  }
}
