/**
 * Subjects and patterns, NATS-style: tokens separated by dots; in a pattern `*` matches one token
 * and a final `>` matches one or more tokens.
 */
import { InvalidRequestError } from '../errors.js';

const TOKEN = /^[A-Za-z0-9_\-:@+=]+$/;

/** Throws unless `s` is a publishable subject (no wildcards, no empty tokens). */
export function checkSubject(s: string): void {
  if (!s || s.length > 256) throw new InvalidRequestError(`bus subject must have 1-256 characters: '${s}'`, { param: 'subject' });
  for (const t of s.split('.')) if (!TOKEN.test(t)) throw new InvalidRequestError(`bus subject '${s}' has an invalid token '${t}' (letters, digits, _ - : @ + =)`, { param: 'subject' });
}

/** Throws unless `p` is a valid pattern. */
export function checkPattern(p: string): void {
  if (!p || p.length > 256) throw new InvalidRequestError(`bus pattern must have 1-256 characters: '${p}'`, { param: 'subject' });
  const tokens = p.split('.');
  tokens.forEach((t, i) => {
    if (t === '*' || (t === '>' && i === tokens.length - 1)) return;
    if (!TOKEN.test(t)) throw new InvalidRequestError(`bus pattern '${p}' has an invalid token '${t}'`, { param: 'subject' });
  });
}

/** A compiled pattern: `matches(subject)` without allocation for literal patterns. */
export interface SubjectMatcher {
  readonly pattern: string;
  matches(subject: string): boolean;
}

/**
 * Compiles a pattern.
 * @example
 * ```ts
 * subjectMatcher('market.*.sku-1').matches('market.needs.sku-1'); // true
 * subjectMatcher('market.>').matches('market.needs.sku-1');       // true
 * ```
 */
export function subjectMatcher(pattern: string): SubjectMatcher {
  checkPattern(pattern);
  if (!pattern.includes('*') && !pattern.includes('>')) return { pattern, matches: (s) => s === pattern };
  const p = pattern.split('.');
  const tail = p[p.length - 1] === '>';
  return {
    pattern,
    matches(subject: string): boolean {
      const s = subject.split('.');
      if (tail ? s.length < p.length : s.length !== p.length) return false;
      const n = tail ? p.length - 1 : p.length;
      for (let i = 0; i < n; i++) if (p[i] !== '*' && p[i] !== s[i]) return false;
      return true;
    },
  };
}
