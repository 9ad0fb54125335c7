/**
 * The contract every PII and secret detector follows, and helpers they share.
 */
import type { EntityKind, Finding } from './types.js';

/** A located entity before the policy decides what to do with it. */
export interface EntityHit {
  entity: EntityKind;
  start: number;
  end: number;
  /** Detector name, e.g. `pii.card`. */
  guardrail: string;
  score: number;
  reason: string;
}

/** Everything a detector may read about the text, computed once per scan. */
export interface ScanContext {
  text: string;
  /** `text.toLowerCase()` when ASCII, else a same-length lower-case copy (offsets line up). */
  lower: string;
}

/** A PII or secret detector: pushes the entities it finds. */
export type EntityDetector = (ctx: ScanContext, out: EntityHit[]) => void;

/** Builds a context; `lower` keeps offsets aligned with `text`. */
export function scanContext(text: string): ScanContext {
  const lower = text.toLowerCase();
  return { text, lower: lower.length === text.length ? lower : alignedLower(text) };
}

function alignedLower(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const l = text[i]!.toLowerCase();
    out += l.length === 1 ? l : text[i];
  }
  return out;
}

/** Turns an entity hit into a finding of its category. */
export function toFinding(hit: EntityHit, text: string): Finding {
  return {
    guardrail: hit.guardrail,
    category: SECRET_KINDS.has(hit.entity) ? 'secret' : 'pii',
    entity: hit.entity,
    start: hit.start,
    end: hit.end,
    text: text.slice(hit.start, hit.end),
    score: hit.score,
    reason: hit.reason,
  };
}

/** Entity kinds that are secrets (the others are personal data). */
export const SECRET_KINDS: ReadonlySet<EntityKind> = new Set<EntityKind>(['api_key', 'private_key', 'jwt', 'url_password', 'password']);

/** True when `lower` has one of `words` within `span` characters before `index`. */
export function contextBefore(lower: string, index: number, span: number, words: RegExp): boolean {
  const from = index > span ? index - span : 0;
  return words.test(lower.slice(from, index));
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Luhn checksum over a digit string. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
