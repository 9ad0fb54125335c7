/**
 * Typed, numbered placeholders for redacted entities (`[EMAIL_1]`, `[CARD_2]`), consistent
 * within one state: the same value always gets the same placeholder, across the messages of a
 * conversation or the chunks of a stream.
 */
import type { EntityKind, Finding } from './types.js';

/** Numbering and the placeholder → original mapping of one redaction scope. */
export class RedactionState {
  private readonly counters = new Map<EntityKind, number>();
  private readonly byValue = new Map<string, string>();
  /** Placeholder → original value. */
  readonly mapping: Record<string, string> = {};

  /** The placeholder for a value of a kind, allocating the next number on first use. */
  placeholder(entity: EntityKind, value: string): string {
    const key = `${entity}\u0000${value}`;
    let p = this.byValue.get(key);
    if (p === undefined) {
      const n = (this.counters.get(entity) ?? 0) + 1;
      this.counters.set(entity, n);
      p = `[${entity.toUpperCase()}_${n}]`;
      this.byValue.set(key, p);
      this.mapping[p] = value;
    }
    return p;
  }
}

/**
 * Replaces each finding's span with its placeholder. Findings must not overlap and be sorted
 * by `start`; offsets are relative to `text` shifted by `offset`.
 */
export function applyRedactions(text: string, findings: readonly Finding[], state: RedactionState, offset = 0): string {
  let out = '';
  let at = 0;
  for (const f of findings) {
    const s = f.start - offset;
    const e = f.end - offset;
    if (s < at || f.entity === undefined) continue;
    out += text.slice(at, s) + state.placeholder(f.entity, text.slice(s, e));
    at = e;
  }
  return out + text.slice(at);
}

/**
 * Puts redacted values back (for a reversible redaction), e.g. into a model's answer before it
 * reaches the caller.
 *
 * @example
 * ```ts
 * restoreRedactions('Mail [EMAIL_1]', { '[EMAIL_1]': 'ana@example.com' }); // 'Mail ana@example.com'
 * ```
 */
export function restoreRedactions(text: string, mapping: Readonly<Record<string, string>>): string {
  return text.replace(/\[[A-Z_]+_\d+\]/g, (p) => mapping[p] ?? p);
}

/** Sorts findings by start and drops those overlapping an earlier (or longer, same-start) one. */
export function nonOverlapping(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  let end = -1;
  for (const f of sorted) {
    if (f.start >= end) {
      out.push(f);
      end = f.end;
    } else if (f.end > end && out.length > 0) {
      // partial overlap: extend the kept span so nothing of either entity leaks
      const last = out[out.length - 1]!;
      out[out.length - 1] = { ...last, end: f.end, text: last.text };
      end = f.end;
    }
  }
  return out;
}
