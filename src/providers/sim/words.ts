/**
 * Word extraction for the sim provider: the words of a message it can echo back, match against
 * tool descriptions and put into synthesised arguments.
 */

const STOPWORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with from into onto about as is are was were be been being ' +
    'i me my we our you your he she it its they them their this that these those there here what which who whom whose ' +
    'when where why how can could would should will shall may might must do does did done have has had not no yes ' +
    'please thanks thank just also very really so too than some any all each every more most much many few less ' +
    'up down out over under again once only own same such both other another let lets get got give tell show ' +
    'make want need like know think say said use using via per one two three new now today tomorrow yesterday ' +
    'hello hi hey dear sim'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** Every word of `text`, in order. */
export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** True for function words the sim never treats as a topic. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word.toLowerCase());
}

/** Content words of `text`: no stopwords, at least 3 characters, first occurrence order, deduplicated (case-insensitive). */
export function salientWords(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of wordsOf(text)) {
    const lower = w.toLowerCase();
    if (lower.length < 3 || STOPWORDS.has(lower) || seen.has(lower)) continue;
    seen.add(lower);
    out.push(w);
  }
  return out;
}

/** Capitalised words that do not start a sentence (likely names and places), deduplicated. */
export function properNouns(text: string): string[] {
  const out: string[] = [];
  const re = /(^|[.!?]\s+|\s+|["'(])([\p{Lu}][\p{L}'’-]+)/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const w = m[2] as string;
    const sentenceStart = m.index === 0 || /[.!?]\s+$/.test(m[1] as string);
    if (sentenceStart || isStopword(w) || out.includes(w)) continue;
    out.push(w);
  }
  return out;
}

/** Numbers written in `text`, in order. */
export function numbersIn(text: string): number[] {
  return (text.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
}

/** A crude English stem (plural and -ing/-ed endings) so "emails", "emailing" and "email" match. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && /(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w;
}

/** Splits an identifier (`get_current_weather`, `sendEmail`) into lowercase words. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Upper-cases the first letter. */
export function capitalize(s: string): string {
  return s.length === 0 ? s : s.charAt(0).toUpperCase() + s.slice(1);
}
