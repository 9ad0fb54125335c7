/**
 * Durations of the approvals spec and the `x-daca-approval-wait` header: `500ms`, `30s`, `10m`,
 * `1h`, a bare number of seconds (header) or of ms (spec numbers).
 */
import { z } from 'zod';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/**
 * Parses a duration to ms; a unitless number counts in `bareUnit`. Undefined when not a duration.
 *
 * @example
 * ```ts
 * parseApprovalDuration('30s'); // 30000
 * parseApprovalDuration('5', 's'); // 5000
 * ```
 */
export function parseApprovalDuration(text: string, bareUnit: 'ms' | 's' = 'ms'): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2] ?? bareUnit]!);
}

/** A spec duration: ms as a number, or a string like `15m`. Parsed to ms. */
export const ApprovalDurationSchema = z.union([
  z.number().int().positive(),
  z.string().transform((s, ctx) => {
    const ms = parseApprovalDuration(s);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 15m or 1h (got '${s}')` });
      return z.NEVER;
    }
    return ms;
  }),
]);
