/**
 * Text analysis for skill routing: words → stemmed, synonym-folded terms, with the words that
 * carry no need removed (function words, politeness, time fillers) and the words that are only
 * arguments of a need (numbers, ids, quoted strings, names written with a capital inside a
 * sentence) marked as slots, so they neither help nor hurt a match. Known multi-word phrases
 * ("log in", "time off") fold to one term first.
 */
import { inSynonymGroup, longestPhraseWords, phraseTerm, termOf } from './synonyms.js';

/** One analysed term of a text. */
export interface Term {
  /** Stemmed, synonym-folded term. */
  term: string;
  /** True for argument-like words (ids, numbers, quoted text): ignored by coverage. */
  slot: boolean;
  /** True for a word capitalised inside a sentence: a name unless the vocabulary knows it. */
  proper?: boolean;
  /** The word as written (lowercase) when the term comes from one word, not a phrase. */
  word?: string;
}

/** Number words: quantities are arguments of a need ("two weeks", "a dozen mugs"), never the need. */
const NUMBER_WORDS: ReadonlySet<string> = new Set(
  (
    'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen ' +
    'twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions billion dozen dozens ' +
    'half quarter twice double triple second third fourth fifth couple several'
  ).split(/\s+/),
);

/** Function words and fillers that never state a need. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but nor so yet if then than that this these those there here of to in on at by for from with without into onto near next close through throughout upon toward towards ' +
    'about above below over under up out off again further once as per via within across along around behind beyond ' +
    'i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his she her hers it its itself ' +
    'they them their theirs what which who whom whose when where why how whether all any both each few more most other some such ' +
    'no not only own same too very just also still even really quite rather maybe perhaps please pls plz kindly thanks thank ' +
    'is am are was were be been being have has had having do does did doing done can could will would shall should may might must ' +
    'let lets get got gets getting go going gonna wanna want wants wanted need needs needed like hi hello hey dear ' +
    'ok okay yes yeah sure anyone someone somebody something anything everything thing things stuff bit lot lots ' +
    'today tomorrow yesterday tonight now soon asap right currently current later ago morning afternoon evening weekend ' +
    'monday tuesday wednesday thursday friday saturday sunday day days week weeks month months year years hour hours minute minutes ' +
    'help assist tell show give find know see look make able possible quick quickly fast much many new time starting beginning until during ' +
    'short long big small large little great good bad best better nice old latest last next first final full whole entire ' +
    "i'm i've i'd i'll we're we've you're it's don't doesn't can't won't isn't aren't what's how's there's let's"
  ).split(/\s+/),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;
const HAS_DIGIT = /\d/;

interface Token {
  lower: string;
  slot: boolean;
  proper: boolean;
}

function tokens(text: string, slots: boolean): Token[] {
  const out: Token[] = [];
  const cleaned = text.replace(/\bhttps?:\/\/\S+|\S+@\S+\.\S+/g, ' ');
  let inQuote = false;
  let lastEnd = 0;
  let sentenceStart = true;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(cleaned); m !== null; m = WORD.exec(cleaned)) {
    if (slots) {
      for (let i = lastEnd; i < m.index; i++) {
        const ch = cleaned[i]!;
        if (ch === '"' || ch === '“' || ch === '”') inQuote = !inQuote;
        else if (ch === '.' || ch === '?' || ch === '!' || ch === ':' || ch === ';' || ch === '\n') sentenceStart = true;
      }
      lastEnd = m.index + m[0].length;
    }
    const raw = m[0].replace(/['’](s|d|ll|re|ve|m|t)$/i, '').replace(/['’_-]+$/, '');
    const lower = raw.toLowerCase();
    let slot = false;
    let proper = false;
    if (slots) {
      proper = !sentenceStart && raw.length > 1 && raw[0] !== lower[0] && lower !== 'i';
      sentenceStart = false;
      slot = inQuote;
    }
    if (HAS_DIGIT.test(lower)) slot = true;
    if (lower.length > 0) out.push({ lower, slot, proper });
  }
  return out;
}

function fold(toks: Token[], out: Term[]): void {
  const maxN = longestPhraseWords();
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (!t.slot && maxN > 1) {
      let matched = false;
      for (let n = Math.min(maxN, toks.length - i); n >= 2; n--) {
        let words = t.lower;
        let ok = true;
        for (let j = 1; j < n; j++) {
          const u = toks[i + j]!;
          if (u.slot) {
            ok = false;
            break;
          }
          words += ' ' + u.lower;
        }
        if (!ok) continue;
        const p = phraseTerm(words);
        if (p !== undefined) {
          out.push({ term: p, slot: false });
          i += n - 1;
          matched = true;
          break;
        }
      }
      if (matched) continue;
    }
    if (STOP_WORDS.has(t.lower)) continue;
    if (t.slot || NUMBER_WORDS.has(t.lower)) {
      out.push({ term: t.lower, slot: true });
      continue;
    }
    if (t.lower.length === 1) continue;
    if (/[-_'’]/.test(t.lower)) {
      const joined = t.lower.replace(/[-_'’]/g, '');
      if (inSynonymGroup(joined)) {
        out.push({ term: termOf(joined), slot: false, word: joined });
        continue;
      }
      for (const part of t.lower.split(/[-_'’]/)) {
        if (part.length < 2 || STOP_WORDS.has(part)) continue;
        out.push({ term: termOf(part), slot: false, word: part });
      }
      continue;
    }
    out.push(t.proper && !inSynonymGroup(t.lower) ? { term: termOf(t.lower), slot: false, proper: true, word: t.lower } : { term: termOf(t.lower), slot: false, word: t.lower });
  }
}

/**
 * Analyses a request into terms. Words inside quotes, words with digits, emails and URLs become
 * slots; words capitalised in the middle of a sentence are marked `proper` (the index treats them
 * as names unless a skill or the lexicon knows them).
 * @example
 * ```ts
 * analyse('Where is order #4411 shipping to Berlin?');
 * // [{term:'order',…},{term:'4411',slot:true},{term:'ship',…},{term:'berlin',proper:true,…}]
 * ```
 */
export function analyse(text: string): Term[] {
  const out: Term[] = [];
  fold(tokens(text, true), out);
  return out;
}

/**
 * Analyses text written by an agent's author (skill names, descriptions, examples, tags). With
 * `names: true` (examples), names and quoted text are dropped like a request's arguments;
 * otherwise only words with digits are.
 */
export function analyseVocabulary(text: string, opts: { names?: boolean; isNeedWord?: (t: string) => boolean } = {}): string[] {
  const out: Term[] = [];
  fold(tokens(text, opts.names === true), out);
  const terms: string[] = [];
  for (const t of out) if (!t.slot && !(t.proper && !opts.isNeedWord?.(t.term))) terms.push(t.term);
  return terms;
}

/**
 * The plain words of a text (lowercase, letters only, at least `min` letters): the spellings the
 * matcher corrects misspelt request words towards.
 */
export function plainWords(text: string, min = 5): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/\p{L}+/gu)) if (m[0].length >= min && !STOP_WORDS.has(m[0])) out.push(m[0]);
  return out;
}
