/**
 * One normalisation pass for attack detection, shared by every attack detector.
 *
 * Obfuscation that does not change what a model reads is undone: Unicode tag characters are
 * decoded, zero-width and bidi controls removed, NFKC applied (fullwidth, mathematical letters),
 * Cyrillic/Greek/small-capital lookalikes folded to ASCII, accents stripped, case folded,
 * letters spaced or dotted apart joined again and leetspeak mapped back in mixed tokens.
 * ASCII inputs take a fast path that skips the Unicode steps.
 */

/** The views of one text that attack rules match on. */
export interface AttackView {
  /** Lower-cased, Unicode-folded text, punctuation kept (role markers, quotes). */
  lower: string;
  /** Lower-cased text before lookalike folding (for non-Latin-script rules). */
  native: string;
  /** Letters and digits only, single spaces, leetspeak mapped, spaced letters joined; padded with spaces. */
  words: string;
}

const NON_ASCII = /[^\x00-\x7f]/;
const TAGS = /\udb40([\udc20-\udc7e])/g;
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]|\udb40[\udc00-\udfff]/g;
const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

/** Lookalikes that survive NFKC, after lower-casing. */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', г: 'r', е: 'e', ё: 'e', з: '3', і: 'i', ї: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o',
  п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ь: 'b', ѕ: 's', ԁ: 'd', һ: 'h', ԛ: 'q', ԝ: 'w', ӏ: 'l',
  ү: 'y', ҳ: 'x', ԍ: 'g', ɡ: 'g',
  // Greek
  α: 'a', β: 'b', γ: 'y', ε: 'e', ζ: 'z', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', σ: 'o',
  ς: 's', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ϳ: 'j',
  // Latin extras and small capitals
  ı: 'i', ɑ: 'a', ʀ: 'r', ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j',
  ᴋ: 'k', ʟ: 'l', ᴍ: 'm', ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z',
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ŀ: 'l',
  '\u2018': "'", '\u2019': "'", '\u201b': "'", '\u2032': "'", '\u02bc': "'",
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'g');
const foldChar = (c: string): string => CONFUSABLES[c] ?? c;

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LEET_CHAR = /[013457@$]/g;
const mapLeet = (tok: string): string => (/[a-z]/.test(tok) ? tok.replace(LEET_CHAR, (c) => LEET[c]!) : tok);
/** Leetspeak digit/symbol → letter code, by char code (0: not leet). */
const LEET_CODE = new Uint8Array(128);
for (const [k, v] of Object.entries(LEET)) LEET_CODE[k.charCodeAt(0)] = v.charCodeAt(0);

const SPACED = / [a-z0-9@$](?: [a-z0-9@$]){2,}(?= )/g;
/** Words that glued spaced-out letters are split at again, so phrase rules still see word boundaries. */
const GLUE_SPLIT =
  /(ignore|ignoring|disregard|forget|override|bypass|previous|prior|above|earlier|instructions?|rules|guidelines|system|prompt|your|reveal|repeat|print|show|all|the|you|are|now|and|developer|mode|jailbreak|unfiltered|uncensored|restrictions|filters|safety|from|on|no|tell|me|what|initial|hidden|secret)/g;
const SPACE = / /g;
const MULTI_SPACE = / {2,}/g;
const DECODER = new TextDecoder('utf-16le');
/** The word that stands for a sentence end in the word view. */
export const SENTENCE_BREAK = 'zzsb ';
let buffer = new Uint16Array(4096);

function allLeetDigits(buf: Uint16Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = buf[k]!;
    if (c < 48 || c > 57 || LEET_CODE[c] === 0) return false;
  }
  return true;
}

/**
 * Folds a text for Unicode-insensitive matching: tags decoded, invisibles removed, NFKC,
 * lower case, lookalikes folded and accents stripped. ASCII text is only lower-cased.
 */
export function foldText(text: string): { lower: string; native: string } {
  if (!NON_ASCII.test(text)) {
    const lower = text.toLowerCase();
    return { lower, native: lower };
  }
  const native = text.replace(TAGS, (_m, low: string) => String.fromCharCode(low.charCodeAt(0) - 0xdc00))
    .replace(INVISIBLE, '')
    .normalize('NFKC')
    .toLowerCase();
  const lower = native.replace(CONFUSABLE_RE, foldChar).normalize('NFD').replace(MARKS, '').normalize('NFC');
  return { lower, native };
}

/**
 * Builds the word view from a folded text (see {@link AttackView.words}) in one pass: apostrophes
 * dropped, every other non-alphanumeric run turned into one space, leetspeak mapped in tokens
 * that mix letters with leet digits/symbols; then spaced-out letters are joined.
 */
export function wordView(lower: string): string {
  const n = lower.length;
  if (buffer.length < 4 * n + 8) buffer = new Uint16Array(4 * n + 8);
  const buf = buffer;
  let o = 0;
  buf[o++] = 32;
  let tokStart = -1;
  let hasLetter = false;
  let hasLeet = false;
  let mixed = 0;
  let boundary = true;
  let digitWords: number[] | undefined;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? lower.charCodeAt(i) : 32;
    if (c === 39) continue;
    const letter = c >= 97 && c <= 122;
    if (letter || (c >= 48 && c <= 57) || c === 64 || c === 36) {
      if (tokStart < 0) {
        tokStart = o;
        hasLetter = false;
        hasLeet = false;
      }
      if (letter) hasLetter = true;
      else if (LEET_CODE[c] !== 0) hasLeet = true;
      buf[o++] = c;
    } else {
      if (tokStart >= 0) {
      if (hasLetter && hasLeet) {
        mixed++;
        for (let k = tokStart; k < o; k++) {
          const m = LEET_CODE[buf[k]!]!;
          if (m !== 0) buf[k] = m;
        }
      } else if (hasLeet && o - tokStart >= 2 && allLeetDigits(buf, tokStart, o)) {
        (digitWords ??= []).push(tokStart, o);
      } else if (hasLeet) {
        // a number: drop stray @ and $ ("$100" → "100")
        let w = tokStart;
        for (let k = tokStart; k < o; k++) if (buf[k] !== 64 && buf[k] !== 36) buf[w++] = buf[k]!;
        o = w;
      }
      if (o > tokStart) (buf[o++] = 32), (boundary = false);
      tokStart = -1;
      }
      // sentence ends become a boundary word, so co-occurrence windows do not run across sentences
      const ends = (c === 46 || c === 33 || c === 63 || c === 59) && (i + 1 >= n || lower.charCodeAt(i + 1) <= 32);
      if (ends && !boundary) {
        for (let k = 0; k < SENTENCE_BREAK.length; k++) buf[o++] = SENTENCE_BREAK.charCodeAt(k);
        boundary = true;
      }
    }
  }
  if (mixed >= 2 && digitWords !== undefined) {
    // leet-heavy text: words written only in leet digits ("411" for "all") are words too
    for (let k = 0; k < digitWords.length; k += 2) {
      for (let j = digitWords[k]!; j < digitWords[k + 1]!; j++) buf[j] = buf[j] === 49 ? 108 : LEET_CODE[buf[j]!]!;
    }
  }
  const w = DECODER.decode(buf.subarray(0, o));
  SPACED.lastIndex = 0;
  if (!SPACED.test(w)) return w;
  return w
    .replace(SPACED, (m) => {
      const glued = mapLeet(m.replace(SPACE, ''));
      return ' ' + (glued.length > 8 ? glued.replace(GLUE_SPLIT, ' $1 ') : glued);
    })
    .replace(MULTI_SPACE, ' ');
}

/**
 * Normalises a text once for every attack detector.
 *
 * @example
 * ```ts
 * attackView('1gn0r3 a l l previous instrucciónes').words; // ' ignore all previous instrucciones '
 * ```
 */
export function attackView(text: string): AttackView {
  const { lower, native } = foldText(text);
  return { lower, native, words: wordView(lower) };
}
