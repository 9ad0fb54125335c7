/**
 * Durations in the spec and in alert expressions: `500ms`, `30s`, `10m`, `1h`, `7d`, or a number
 * of milliseconds.
 */
import { z } from 'zod';

const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Parses a duration to ms; undefined when the text is not one.
 *
 * @example
 * ```ts
 * parseDuration('10m'); // 600000
 * ```
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2] as keyof typeof UNITS]);
}

/** Formats ms as the largest whole unit (`600000` → `10m`). */
export function formatDuration(ms: number): string {
  for (const u of ['d', 'h', 'm', 's'] as const) if (ms >= UNITS[u] && ms % UNITS[u] === 0) return `${ms / UNITS[u]}${u}`;
  return `${ms}ms`;
}

/** A spec field holding a duration (`30s`, `10m`, … or a positive integer of ms); parsed to ms. */
export const DurationSchema = z.unknown().transform((v, ctx): number => {
  const ms = typeof v === 'number' ? (Number.isInteger(v) && v > 0 ? v : undefined) : typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 10m, 1h or 7d (got ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return ms;
});
