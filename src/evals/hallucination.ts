/**
 * A deterministic claim-support check for hallucinations.
 *
 * Method: the output is split into sentences (at `.`, `!`, `?` followed by white space, and at line
 * breaks). A sentence is a *claim* when it carries checkable facts: numbers (`42`, `3.5`, `1,200`,
 * `15%`) or named entities (capitalised words not at the start of the sentence, all-caps acronyms,
 * and a capitalised first word that is not a common sentence opener). A claim is *unsupported*
 * when any of its numbers or entity words appears nowhere in the support text: the case's context
 * documents, the tool results the agent saw, and the user's own messages (case-insensitive; numbers
 * compared without thousands separators). A trial hallucinated when it has at least one
 * unsupported claim. The check is cheap and reproducible; it catches invented figures and names,
 * not paraphrased falsehoods (use a judge grader for those).
 */

/** The result of checking one output. */
export interface ClaimCheck {
  /** Sentences with numbers or named entities. */
  claims: number;
  /** The unsupported sentences (at most 5 kept), each with the facts that were not found. */
  unsupported: { sentence: string; missing: string[] }[];
  /** How many claims were unsupported (may exceed `unsupported.length`). */
  unsupportedCount: number;
}

const OPENERS = new Set(
  (
    'a an the this that these those it its i i\'m i\'d i\'ll i\'ve we you he she they my our your their his her ' +
    'in on at to for from by with of as if when while after before since until because so but and or nor yet ' +
    'here there then now next first second third finally overall also however moreover therefore thus still ' +
    'yes no sure ok okay sorry thanks thank please hello hi hey great good well understood noted let based ' +
    'what how why where who which whose can could should would will may might must do does did is are was were ' +
    'be been being have has had not all any some each every many most more less few both either neither one two ' +
    'note noted unfortunately fortunately certainly of course absolutely generally usually typically according ' +
    'short summary answer result in short to summarise to summarize instead otherwise'
  ).split(/\s+/),
);

const SENTENCES = /(?<=[.!?])\s+|\n+/;
const NUMBER = /\d[\d,]*(?:\.\d+)?/g;
const WORD = /[\p{L}][\p{L}\p{M}'’-]*/gu;

function normNumber(n: string): string {
  let s = n.replace(/,/g, '');
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s;
}

/** The support index: lowercase words and normalised numbers of the support texts. */
export interface SupportIndex {
  words: Set<string>;
  numbers: Set<string>;
}

/** Indexes support texts once, to check many outputs against them. */
export function indexSupport(texts: readonly string[]): SupportIndex {
  const words = new Set<string>();
  const numbers = new Set<string>();
  for (const t of texts) {
    for (const m of t.matchAll(WORD)) words.add(m[0].toLowerCase().replace(/['’]s$/, ''));
    for (const m of t.matchAll(NUMBER)) numbers.add(normNumber(m[0]));
  }
  return { words, numbers };
}

/**
 * Checks which claims of `output` the support texts back.
 *
 * @example
 * ```ts
 * checkClaims('The order shipped on 12 May. It weighs 3 kg.', ['Order 7 shipped 12 May, 2 kg.']);
 * // { claims: 2, unsupportedCount: 1, unsupported: [{ sentence: 'It weighs 3 kg.', missing: ['3'] }] }
 * ```
 */
export function checkClaims(output: string, support: readonly string[] | SupportIndex): ClaimCheck {
  const index = Array.isArray(support) ? indexSupport(support) : (support as SupportIndex);
  const result: ClaimCheck = { claims: 0, unsupported: [], unsupportedCount: 0 };
  for (const raw of output.split(SENTENCES)) {
    const sentence = raw.trim();
    if (!sentence) continue;
    const missing: string[] = [];
    let facts = 0;
    for (const m of sentence.matchAll(NUMBER)) {
      facts++;
      const n = normNumber(m[0]);
      if (!index.numbers.has(n)) missing.push(n);
    }
    let first = true;
    for (const m of sentence.matchAll(WORD)) {
      const w = m[0];
      const isFirst = first;
      first = false;
      const lower = w.toLowerCase().replace(/['’]s$/, '');
      const acronym = w.length >= 2 && w === w.toUpperCase() && /\p{Lu}/u.test(w);
      const capital = /^\p{Lu}/u.test(w);
      if (!capital || lower === 'i') continue;
      if (isFirst && !acronym && OPENERS.has(lower)) continue;
      facts++;
      if (!index.words.has(lower) && !missing.includes(w)) missing.push(w);
    }
    if (facts === 0) continue;
    result.claims++;
    if (missing.length) {
      result.unsupportedCount++;
      if (result.unsupported.length < 5) result.unsupported.push({ sentence: sentence.slice(0, 200), missing });
    }
  }
  return result;
}
