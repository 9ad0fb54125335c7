/**
 * The weighted rule engine behind the attack detectors.
 *
 * A rule is a precompiled regular expression over one normalised view plus a weight; a detector
 * sums the weights of the rules that match, per category, and compares the sum with a threshold.
 * Single keywords never block on their own: blocking takes a phrase-level signal (an instruction
 * override, a role hijack, an extraction request) or several weaker ones together.
 *
 * Speed: rules on the word view name anchor words. One pass over the words of a text finds the
 * anchors present and where; a rule then runs only on short windows around its anchors, so a
 * benign 2 KB text costs a tokenisation and a handful of short regex scans, not a hundred full
 * scans. Rules on the raw views name substrings that must be present instead.
 */
import type { AttackView } from './normalize.js';

/** The categories attack rules score. `meta` rules lower the score of texts that discuss attacks. */
export type RuleCategory = 'prompt_injection' | 'jailbreak' | 'system_prompt_extraction' | 'toxic' | 'meta';

/** One compiled rule. */
export interface AttackRule {
  id: string;
  /** Rules of one family (e.g. every phrasing of an instruction override) count once, at the highest weight. */
  family: string;
  cat: RuleCategory;
  /** Weight added when the rule matches (negative for `meta`). */
  w: number;
  re: RegExp;
  /** Word view: anchor words. Raw views: substrings, one of which must occur. Null: always runs. */
  any: readonly string[] | null;
  view: 'words' | 'lower' | 'native';
}

/** A rule that matched, with the matched text. */
export interface RuleHit {
  rule: AttackRule;
  match: string;
}

/** Compact rule declaration: `[id, category, weight, anchors ('' = always), source, view?]`. */
export type RuleSpec = readonly [string, RuleCategory, number, string, string, ('words' | 'lower' | 'native')?];

/** One word followed by a space, for bounded fillers like `(?:${W}){0,2}`. */
export const W = '[a-z0-9]+ ';

/** Characters of context scanned before and after an anchor. */
const BEFORE = 160;
const AFTER = 260;
/** Above this many anchor occurrences a rule scans the whole text once instead. */
const MAX_WINDOWS = 3;

/** `en.override.the` and `en.override` are one family; other ids are their own family. */
function familyOf(id: string): string {
  const parts = id.split('.');
  return parts.length >= 3 && (parts[1] === 'override' || parts[1] === 'extract') ? `${parts[0]}.${parts[1]}` : id;
}

/** A compiled rule set with its anchor index. */
export interface RuleSet {
  rules: readonly AttackRule[];
  /** Word-view rules by the hash of an anchor word (see {@link wordHash}); `words` to rule out collisions. */
  byAnchor: ReadonlyMap<number, { words: readonly string[]; rules: readonly number[][] }>;
  /** Rules that run without word anchors (raw views, or no anchors). */
  unanchored: readonly number[];
}

/** Compiles rule declarations once at module load. Anchors are a space-separated list. */
export function compileRules(specs: readonly RuleSpec[]): RuleSet {
  const rules: AttackRule[] = specs.map(([id, cat, w, anchors, src, view]) => ({
    id,
    family: familyOf(id),
    cat,
    w,
    re: new RegExp(src, view === 'native' ? 'u' : ''),
    any: anchors ? anchors.split(' ') : null,
    view: view ?? 'words',
  }));
  const byAnchor = new Map<number, { words: string[]; rules: number[][] }>();
  const unanchored: number[] = [];
  rules.forEach((r, i) => {
    if (r.view !== 'words' || r.any === null) {
      unanchored.push(i);
      return;
    }
    for (const a of r.any) {
      const h = wordHash(a, 0, a.length);
      let entry = byAnchor.get(h);
      if (entry === undefined) byAnchor.set(h, (entry = { words: [], rules: [] }));
      let k = entry.words.indexOf(a);
      if (k < 0) {
        k = entry.words.push(a) - 1;
        entry.rules.push([]);
      }
      if (!entry.rules[k]!.includes(i)) entry.rules[k]!.push(i);
    }
  });
  return { rules, byAnchor, unanchored };
}

/** Where each anchored rule's anchors occur in a word view (rule index → word offsets). */
export type AnchorPositions = Map<number, number[]>;

/** A 32-bit hash of `s[from, to)`, the same one {@link locateAnchors} computes while scanning. */
export function wordHash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** One pass over the words of a view, without allocating per word: which anchored rules can match, and where. */
export function locateAnchors(words: string, set: RuleSet): AnchorPositions {
  const positions: AnchorPositions = new Map();
  const len = words.length;
  let start = 1;
  let h = 0x811c9dc5;
  for (let i = 1; i < len; i++) {
    const c = words.charCodeAt(i);
    if (c !== 32) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    if (i > start) {
      const entry = set.byAnchor.get(h);
      if (entry !== undefined) {
        for (let k = 0; k < entry.words.length; k++) {
          const word = entry.words[k]!;
          if (word.length !== i - start || !words.startsWith(word, start)) continue;
          for (const r of entry.rules[k]!) {
            const p = positions.get(r);
            if (p === undefined) positions.set(r, [start]);
            else if (p.length <= MAX_WINDOWS && p[p.length - 1]! + AFTER - BEFORE < start) p.push(start);
          }
        }
      }
    }
    start = i + 1;
    h = 0x811c9dc5;
  }
  return positions;
}

/**
 * Runs the rules of a set that `take` accepts: anchored rules on windows around their anchors,
 * the others on their whole view when one of their substrings occurs. Each rule counts once.
 */
export function runRules(
  view: AttackView,
  set: RuleSet,
  positions: AnchorPositions,
  take: (r: AttackRule) => boolean,
  out: RuleHit[],
): void {
  const words = view.words;
  const len = words.length;
  for (const [i, ps] of positions) {
    const rule = set.rules[i]!;
    if (!take(rule)) continue;
    let m: RegExpExecArray | null = null;
    if (ps.length > MAX_WINDOWS || len <= BEFORE + AFTER) m = rule.re.exec(words);
    else {
      for (const p of ps) {
        const from = p > BEFORE ? p - BEFORE : 0;
        const to = p + AFTER < len ? p + AFTER : len;
        m = rule.re.exec(from === 0 && to === len ? words : words.slice(from, to));
        if (m !== null) break;
      }
    }
    if (m !== null) out.push({ rule, match: m[0].trim() });
  }
  for (const i of set.unanchored) {
    const rule = set.rules[i]!;
    if (!take(rule)) continue;
    const text = rule.view === 'words' ? words : rule.view === 'lower' ? view.lower : view.native;
    if (rule.any !== null && rule.view !== 'words') {
      let present = false;
      for (const a of rule.any) {
        if (text.includes(a)) {
          present = true;
          break;
        }
      }
      if (!present) continue;
    }
    const m = rule.re.exec(text);
    if (m !== null) out.push({ rule, match: m[0].trim() });
  }
}
