/**
 * The `tool_calls` grader: the agent called the expected tools, with arguments that contain the
 * expected ones (deep, subset match), optionally in order and with no other tools.
 */
import type { ExpectedToolCall } from '../suite-schema.js';
import type { Grader, RecordedToolCall } from './types.js';

function subset(want: unknown, got: unknown): boolean {
  if (want === null || typeof want !== 'object') return want === got || (typeof want === 'number' && String(want) === got) || (typeof got === 'number' && String(got) === want);
  if (Array.isArray(want)) return Array.isArray(got) && want.length === got.length && want.every((w, i) => subset(w, got[i]));
  if (got === null || typeof got !== 'object') return false;
  return Object.entries(want).every(([k, v]) => subset(v, (got as Record<string, unknown>)[k]));
}

function matches(want: ExpectedToolCall, got: RecordedToolCall): boolean {
  return want.name === got.name && (want.arguments === undefined || subset(want.arguments, got.arguments));
}

/**
 * A grader checking the trial's tool calls against `expected`.
 *
 * @example
 * ```ts
 * toolCallsGrader([{ name: 'lookup_order', arguments: { id: '42' } }], { ordered: false, exclusive: false });
 * ```
 */
export function toolCallsGrader(expected: readonly ExpectedToolCall[], opts: { ordered: boolean; exclusive: boolean }, name = 'tool_calls'): Grader {
  return {
    name,
    kind: 'tool_calls',
    grade(ctx) {
      const got = ctx.toolCalls;
      let from = 0;
      let found = 0;
      const used = new Set<number>();
      for (const want of expected) {
        let idx = -1;
        for (let i = opts.ordered ? from : 0; i < got.length; i++) {
          if (!used.has(i) && matches(want, got[i]!)) {
            idx = i;
            break;
          }
        }
        if (idx < 0) {
          const called = got.map((g) => g.name).join(', ') || 'no tools';
          return { pass: false, score: found / Math.max(1, expected.length), reason: `expected a call to ${want.name}${want.arguments ? ' ' + JSON.stringify(want.arguments) : ''}${opts.ordered ? ' (in order)' : ''}; called ${called}` };
        }
        used.add(idx);
        from = idx + 1;
        found++;
      }
      if (opts.exclusive && used.size < got.length) {
        const extra = got.filter((_, i) => !used.has(i)).map((g) => g.name);
        return { pass: false, score: 0.5, reason: `unexpected tool calls: ${extra.join(', ')}` };
      }
      return { pass: true, score: 1 };
    },
  };
}
