/**
 * Final-answer extraction for the consistency verifier: the phrase after "the answer is",
 * "final answer:", "Answer:", or a JSON `answer`/`result` field.
 */

const DEFAULT_PATTERN = /(?:final answer|the answer is|answer\s*:)\s*:?\s*(.+?)(?:[.!?;](?=\s|$)|\n|$)/i;

/** Where the answer was found: its normalised text and the index just past it. */
export interface ExtractedAnswer {
  value: string;
  end: number;
}

function normalise(s: string): string {
  return s.trim().replace(/^["'`*]+|["'`*]+$/g, '').replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The final answer stated in `text`, or null.
 *
 * @example
 * ```ts
 * extractAnswer('Good question. The answer is Paris. It is lovely.'); // { value: 'paris', end: 34 }
 * ```
 */
export function extractAnswer(text: string, pattern?: RegExp): ExtractedAnswer | null {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, unknown>;
      for (const k of ['answer', 'result', 'final_answer', 'output']) {
        const v = o[k];
        if (v !== undefined && v !== null && typeof v !== 'object') return { value: normalise(String(v)), end: text.length };
      }
    } catch {
      /* not JSON: fall through */
    }
  }
  const m = (pattern ?? DEFAULT_PATTERN).exec(text);
  if (!m) return null;
  const value = normalise(m[1] ?? m[0]);
  return value ? { value, end: m.index + m[0].length } : null;
}
