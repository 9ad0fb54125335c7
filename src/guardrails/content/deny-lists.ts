/**
 * Policy deny lists: topics (words or phrases, matched on the normalised word view, so case,
 * accents, spacing and leetspeak do not hide them) and regular expressions (on the raw text).
 */
import { foldText, wordView } from './attacks/normalize.js';
import type { Finding } from './types.js';

/** Compiled deny lists of one policy. */
export interface CompiledDenyLists {
  topics: { phrase: string; re: RegExp }[];
  patterns: RegExp[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles topic phrases and pattern sources once. Invalid patterns throw at compile time. */
export function compileDenyLists(topics: readonly string[], patterns: readonly (string | RegExp)[]): CompiledDenyLists {
  return {
    topics: topics
      .map((phrase) => ({ phrase, words: wordView(foldText(phrase).lower).trim() }))
      .filter((t) => t.words.length > 0)
      .map(({ phrase, words }) => ({ phrase, re: new RegExp(`(?<= )${escape(words).replace(/ /g, ' ?')}s?(?= )`) })),
    patterns: patterns.map((p) => (typeof p === 'string' ? new RegExp(p, 'iu') : new RegExp(p.source, p.flags.replace('g', '').replace('y', '')))),
  };
}

/** Topic findings over a word view (offsets cover the whole text: the view is not aligned). */
export function findTopics(words: string, textLength: number, lists: CompiledDenyLists, out: Finding[]): void {
  for (const t of lists.topics) {
    const m = t.re.exec(words);
    if (m !== null) {
      out.push({ guardrail: 'deny.topic', category: 'topic', start: 0, end: textLength, text: m[0], score: 1, reason: `denied topic: ${t.phrase}` });
    }
  }
}

/** Regex findings over the raw text. */
export function findPatterns(text: string, lists: CompiledDenyLists, out: Finding[]): void {
  for (const re of lists.patterns) {
    const m = re.exec(text);
    if (m !== null) {
      out.push({ guardrail: 'deny.regex', category: 'regex', start: m.index, end: m.index + m[0].length, text: m[0], score: 1, reason: `matched denied pattern /${re.source}/` });
    }
  }
}
