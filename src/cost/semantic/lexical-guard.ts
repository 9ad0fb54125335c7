/**
 * The semantic cache's guard against wrong hits: two prompts that embed close together may still
 * ask different things ("refund order 123" / "refund order 124", "is X allowed" / "is X not
 * allowed", "the hub for the tent" / "the hub for the yoga mat"). A hit needs:
 *
 * - the same numbers and identifiers with digits, in order;
 * - the same named entities (capitalised words inside a sentence; a capitalised first word is
 *   taken for an ordinary word, so `entities` mode misses names that open a sentence);
 * - the same number of negations (`not`, `never`, `isn't`, …);
 * - in `strict` mode (the default), the same content words: the prompts may differ only in
 *   function words, greetings and question phrasing ("Hi, …", "Quick question: …", "… Thanks!"),
 *   word order, case, punctuation and plural `s`.
 */

/** What must match between a cached prompt and a new one. */
export interface LexicalSignature {
  /** Numbers and identifiers with digits, in order. */
  numbers: string;
  /** Capitalised names, lowercased, sorted, unique. */
  entities: string;
  /** Negation words, normalised (`isn't` → `not`), counted. */
  negations: number;
  /** Content words (stems), sorted, unique. */
  content: string;
}

/** How strict the guard is: `strict` also requires the same content words. */
export type GuardMode = 'strict' | 'entities';

const NUMBER = /\p{N}+(?:[.,:/-]\p{N}+)*|[\p{L}_-]*\p{N}[\p{L}\p{N}_-]*/gu;
const WORD = /[\p{L}][\p{L}'’-]*/gu;
const NEGATION = /^(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|nowhere|ne|pas|nicht|kein|keine|nunca|jamais)$/;
/** Words that carry no content of their own: function words, greetings, question phrasing. */
const FUNCTION_WORDS = new Set(
  ('a an the this that these those there here it its is are was were be been being am do does did done doing have has had having ' +
    'can could should would will shall may might must i me my mine we us our you your yours he him his she her they them their ' +
    'what whats which who whom whose how why when where whether if then than and or but so as of in on at for to from by with about ' +
    'into onto over under up down out off again also just only very really quite some any all each every much many more most ' +
    'please kindly thanks thank hi hello hey dear quick question questions tell know let lets like want wanted need help wondering ' +
    'ok okay yes sure well anyway actually basically maybe perhaps one')
    .split(' '),
);
/** Common words that start sentences without being names. */
const COMMON = new Set([...FUNCTION_WORDS, ...'give show list explain describe summarize summarise write draft compare find check get make'.split(' ')]);

function isNegation(w: string): boolean {
  return NEGATION.test(w) || /n['’]t$/.test(w);
}

function stem(w: string): string {
  const s = w.replace(/['’]s$/, '').replace(/['’]/g, '');
  return s.length > 3 && s.endsWith('s') && !s.endsWith('ss') ? s.slice(0, -1) : s;
}

/**
 * The signature of a prompt.
 *
 * @example
 * ```ts
 * lexicalSignature('Refund order 123 for Alice').numbers; // '123'
 * ```
 */
export function lexicalSignature(text: string): LexicalSignature {
  const numbers = (text.match(NUMBER) ?? []).map((n) => n.toLowerCase()).join(' ');
  const entities = new Set<string>();
  const content = new Set<string>();
  let negations = 0;
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    const lower = w.toLowerCase();
    const sentenceStart = /(?:^|[.!?:;]\s*|\n\s*)$/.test(text.slice(Math.max(0, m.index! - 3), m.index));
    if (isNegation(lower)) {
      negations++;
      continue;
    }
    const s = stem(lower);
    if (!FUNCTION_WORDS.has(s) && !FUNCTION_WORDS.has(lower)) content.add(s);
    const first = w.charAt(0);
    if (first !== first.toLowerCase() && !sentenceStart && !COMMON.has(s) && !COMMON.has(lower)) entities.add(s);
  }
  return { numbers, entities: [...entities].sort().join(' '), negations, content: [...content].sort().join(' ') };
}

/** True when two signatures allow one prompt's answer to serve the other. */
export function signaturesMatch(a: LexicalSignature, b: LexicalSignature, mode: GuardMode = 'strict'): boolean {
  return a.numbers === b.numbers && a.entities === b.entities && a.negations === b.negations && (mode === 'entities' || a.content === b.content);
}
