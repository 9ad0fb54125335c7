/**
 * Eval-style graders on sampled rollout traffic: a share (`rollouts.sample_rate`) of the answers
 * of rollout requests is graded by the spec's `rollouts.graders` (exact, contains, not_contains,
 * regex, json_schema from src/evals), off the request path. `{{expected}}` in a grader stands for
 * the request's `expected` tag (body `metadata.expected` or `x-daca-tags: expected=…`); requests
 * without one skip graders that need it.
 */
import { InvalidRequestError } from '../errors.js';
import { hash32 } from '../evals/random.js';
import { jsonSchemaGrader } from '../evals/graders/json-schema.js';
import { containsGrader, exactGrader, regexGrader } from '../evals/graders/text.js';
import type { Grader } from '../evals/graders/types.js';
import type { GraderSpec } from '../evals/suite-schema.js';
import { messageText } from '../providers/sim/markers.js';
import type { ChatRequest } from '../providers/types.js';
import type { RouteDecision } from './types.js';

const TEMPLATE = '{{expected}}';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A grader spec that may depend on the request's expected answer. */
type GraderFactory = (expected: string | undefined) => Grader | null;

function factoryOf(g: GraderSpec): GraderFactory {
  const fill = (s: string, expected: string | undefined, rx = false): string | null =>
    !s.includes(TEMPLATE) ? s : expected === undefined ? null : s.split(TEMPLATE).join(rx ? escape(expected) : expected);
  switch (g.type) {
    case 'exact':
      return (e) => {
        const v = fill(g.value, e);
        return v === null ? null : exactGrader(v, g.ignore_case, g.name);
      };
    case 'contains':
    case 'not_contains':
      return (e) => {
        const vs = (Array.isArray(g.value) ? g.value : [g.value]).map((v) => fill(v, e));
        return vs.some((v) => v === null) ? null : containsGrader(vs as string[], g.ignore_case, g.type === 'not_contains', g.name);
      };
    case 'regex':
      return (e) => {
        const p = fill(g.pattern, e, true);
        return p === null ? null : regexGrader(p, g.flags, g.name);
      };
    case 'json_schema': {
      const grader = jsonSchemaGrader(g.schema, g.name);
      return () => grader;
    }
    default:
      throw new InvalidRequestError(`rollouts.graders: '${g.type}' graders are not supported on live traffic (use exact, contains, not_contains, regex or json_schema)`);
  }
}

/** The verdict on one sampled answer. */
export interface TrafficGrade {
  passed: boolean;
  score: number;
}

/** Samples and grades rollout answers. */
export class TrafficGrader {
  private readonly factories: GraderFactory[];
  private readonly threshold: number;

  /**
   * @param graders - the spec's `rollouts.graders`.
   * @param sampleRate - share of rollout answers graded, in [0, 1].
   */
  constructor(graders: readonly GraderSpec[], sampleRate: number) {
    this.factories = graders.map(factoryOf);
    this.threshold = Math.round(Math.min(1, Math.max(0, sampleRate)) * 0xffffffff);
  }

  /** True when there is something to grade with. */
  get active(): boolean {
    return this.factories.length > 0 && this.threshold > 0;
  }

  /** Whether a request is in the sample (deterministic by request id). */
  sampled(requestId: string): boolean {
    return this.threshold >= 0xffffffff || hash32(requestId, 0x5eed) < this.threshold;
  }

  /** Grades an answer; null when no grader applies (e.g. `{{expected}}` without metadata.expected). */
  async grade(d: RouteDecision, req: ChatRequest, output: string, tags: Readonly<Record<string, string>> = {}): Promise<TrafficGrade | null> {
    const expected = tags.expected;
    const graders = this.factories.map((f) => f(expected)).filter((g): g is Grader => g !== null);
    if (!graders.length) return null;
    const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
    const input = lastUser ? messageText(lastUser.content) : '';
    const results = await Promise.all(
      graders.map((g) =>
        g.grade({ caseId: d.rolloutId ?? '', persona: d.arm, input, output, expected, toolCalls: [], context: [], transcript: [{ role: 'user', content: input }, { role: 'assistant', content: output }], trial: 0 }),
      ),
    );
    const passed = results.every((r) => r.pass);
    const score = results.reduce((s, r) => s + (r.score ?? (r.pass ? 1 : 0)), 0) / results.length;
    return { passed, score };
  }
}
