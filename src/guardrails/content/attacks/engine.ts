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
import { pushToken, type TokenTable } from './concepts.js';
import type { AttackView } from './normalize.js';
import { wordHash } from './word-hash.js';

export { wordHash };

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
  /** Anchor words (or, for raw-view rules, substrings when an anchor is not a plain word). Null: always runs. */
  any: readonly string[] | null;
  /** True when `any` are words of the word view (looked up in the anchor index). */
  wordAnchors: boolean;
  /** The match starts at (or a few words before) an anchor: tried as a sticky match there. */
  lead: boolean;
  /** Words before the anchor where a lead match may start (0 when the anchor is always the first word). */
  backoff: number;
  view: 'words' | 'lower' | 'native';
}

/** A rule that matched, with the matched text. */
export interface RuleHit {
  rule: AttackRule;
  match: string;
}

/**
 * Compact rule declaration: `[id, category, weight, anchors ('' = always), source, view?]`.
 * Anchors starting with `^` mark a rule whose match begins at one of them, `^^` one whose match may
 * begin up to three words earlier: it is tried as a sticky match there instead of scanning a window.
 */
export type RuleSpec = readonly [string, RuleCategory, number, string, string, ('words' | 'lower' | 'native')?];

/** One word followed by a space, for bounded fillers like `(?:${W}){0,2}`. */
export const W = '(?!zzsb )[a-z0-9]+ ';

/** Characters of context scanned before and after an anchor. */
const BEFORE = 160;
const AFTER = 260;
/** Above this many anchor occurrences a rule scans the whole text once instead. */
const MAX_WINDOWS = 3;
/** Most anchor occurrences kept per rule. */
const MAX_POSITIONS = 12;
/** Words before an anchor where a lead rule may start. */
const LEAD_BACKOFF = 3;
const PLAIN_WORD = /^[a-z0-9]+$/;

/** Second id segments that group rules into one family (`en.override.the` and `en.override.your`). */
const FAMILIES = new Set(['override', 'extract', 'nolimits', 'persona', 'address', 'tell', 'told']);

/** `en.override.the` and `en.override` are one family; other ids are their own family. */
function familyOf(id: string): string {
  const parts = id.split('.');
  return parts.length >= 3 && FAMILIES.has(parts[1]!) ? `${parts[0]}.${parts[1]}` : id;
}

/** The rules anchored on, and the concept masks of, the words sharing one hash. */
export interface AnchorEntry {
  words: string[];
  rules: number[][];
  masks: number[];
  masks2: number[];
}

/** A compiled rule set with its anchor index. */
export interface RuleSet {
  rules: readonly AttackRule[];
  /**
   * Word-view rules and concept masks by the hash of a word (see {@link wordHash}); `words` to rule
   * out collisions. One lookup per token serves both the rules and the concept scorer.
   */
  byAnchor: ReadonlyMap<number, AnchorEntry>;
  /** Rules that run without word anchors (raw views, or no anchors). */
  unanchored: readonly number[];
}

/** Compiles rule declarations once at module load. Anchors are a space-separated list. */
export function compileRules(specs: readonly RuleSpec[]): RuleSet {
  const rules: AttackRule[] = specs.map(([id, cat, w, anchors, src, view]) => {
    const lead = anchors.startsWith('^') && (view ?? 'words') === 'words';
    const backoff = anchors.startsWith('^^') ? LEAD_BACKOFF : 0;
    const any = anchors ? anchors.replace(/^\^+/, '').split(' ') : null;
    return {
      id,
      family: familyOf(id),
      cat,
      w,
      re: new RegExp(src, (view === 'native' ? 'u' : '') + (lead ? 'y' : '')),
      any,
      wordAnchors: any !== null && any.every((a) => PLAIN_WORD.test(a)),
      lead,
      backoff,
      view: view ?? 'words',
    };
  });
  const byAnchor = new Map<number, AnchorEntry>();
  const unanchored: number[] = [];
  rules.forEach((r, i) => {
    if (r.any === null || !r.wordAnchors) {
      unanchored.push(i);
      return;
    }
    for (const a of r.any) {
      const h = wordHash(a, 0, a.length);
      let entry = byAnchor.get(h);
      if (entry === undefined) byAnchor.set(h, (entry = { words: [], rules: [], masks: [], masks2: [] }));
      let k = entry.words.indexOf(a);
      if (k < 0) {
        k = entry.words.push(a) - 1;
        entry.rules.push([]);
        entry.masks.push(0);
        entry.masks2.push(0);
      }
      if (!entry.rules[k]!.includes(i)) entry.rules[k]!.push(i);
    }
  });
  return { rules, byAnchor, unanchored };
}

/** Where each anchored rule's anchors occur in a word view (rule index → word offsets). */
export type AnchorPositions = Map<number, number[]>;


/**
 * One pass over the words of a view, without allocating per word: which anchored rules can match,
 * and where. With a token table, also fills it with every token and its concept masks.
 */
export function locateAnchors(words: string, set: RuleSet, table?: TokenTable): AnchorPositions {
  const positions: AnchorPositions = new Map();
  if (table !== undefined) table.n = 0;
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
      let mask = 0;
      let mask2 = 0;
      if (entry !== undefined) {
        for (let k = 0; k < entry.words.length; k++) {
          const word = entry.words[k]!;
          if (word.length !== i - start || !words.startsWith(word, start)) continue;
          mask = entry.masks[k]!;
          mask2 = entry.masks2[k]!;
          for (const r of entry.rules[k]!) {
            const p = positions.get(r);
            if (p === undefined) positions.set(r, [start]);
            else if (p.length < MAX_POSITIONS) p.push(start);
          }
        }
      }
      if (table !== undefined) pushToken(table, start, i, mask, mask2);
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
    if (rule.view !== 'words') m = rule.re.exec(rule.view === 'lower' ? view.lower : view.native);
    else if (rule.lead) m = leadMatch(rule.re, words, ps, rule.backoff);
    else if (len <= BEFORE + AFTER) m = rule.re.exec(words);
    else {
      let scanned = -1;
      let windows = 0;
      for (const p of ps) {
        if (p < scanned) continue;
        if (++windows > MAX_WINDOWS) {
          m = rule.re.exec(words);
          break;
        }
        const from = p > BEFORE ? p - BEFORE : 0;
        const to = p + AFTER < len ? p + AFTER : len;
        m = rule.re.exec(from === 0 && to === len ? words : words.slice(from, to));
        if (m !== null) break;
        scanned = to - (AFTER - BEFORE);
      }
    }
    if (m !== null) out.push({ rule, match: m[0].trim() });
  }
  for (const i of set.unanchored) {
    const rule = set.rules[i]!;
    if (!take(rule)) continue;
    const text = rule.view === 'words' ? words : rule.view === 'lower' ? view.lower : view.native;
    if (rule.any !== null) {
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

/** Sticky attempts at each anchor and at the starts of the few words before it. */
function leadMatch(re: RegExp, words: string, ps: readonly number[], backoff: number): RegExpExecArray | null {
  for (const p of ps) {
    let start = p;
    for (let back = 0; back <= backoff && start > 0; back++) {
      re.lastIndex = start;
      const m = re.exec(words);
      if (m !== null) return m;
      const prev = words.lastIndexOf(' ', start - 2);
      if (prev < 0) break;
      start = prev + 1;
    }
  }
  return null;
}

/** Adds concept masks to a rule set's anchor index (words without rules get an entry too). */
export function attachConcepts(set: RuleSet, concepts: ReadonlyMap<number, { words: readonly string[]; masks: readonly number[]; masks2: readonly number[] }>): void {
  const byAnchor = set.byAnchor as Map<number, AnchorEntry>;
  for (const [h, ce] of concepts) {
    let entry = byAnchor.get(h);
    if (entry === undefined) byAnchor.set(h, (entry = { words: [], rules: [], masks: [], masks2: [] }));
    ce.words.forEach((w, i) => {
      let k = entry.words.indexOf(w);
      if (k < 0) {
        k = entry.words.push(w) - 1;
        entry.rules.push([]);
        entry.masks.push(0);
        entry.masks2.push(0);
      }
      entry.masks[k]! |= ce.masks[i]!;
      entry.masks2[k]! |= ce.masks2[i]!;
    });
  }
}
