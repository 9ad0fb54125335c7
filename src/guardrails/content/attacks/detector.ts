/**
 * The attack detectors: prompt injection, jailbreak, system-prompt extraction and toxic content.
 *
 * One normalisation pass ({@link attackView}), one word set, then the weighted rules of every
 * language. Encoded payloads are decoded and scanned recursively (two levels at most); hiding an
 * instruction in an encoding adds to its score. Texts that discuss attacks (security articles,
 * "for example …") are damped by `meta` rules, so they pass unless they also carry strong signals.
 */
import { decodePayloads } from './decode.js';
import { buildConceptIndex, scoreConcepts, tokenTable, type ConceptScores, type TokenTable } from './concepts.js';
import { attachConcepts, compileRules, locateAnchors, runRules, type AttackRule, type RuleCategory, type RuleHit } from './engine.js';
import { attackView } from './normalize.js';
import { DE_RULES, IT_PT_NL_RULES } from './rules-de-it-pt.js';
import { EN_RULES } from './rules-en.js';
import { ES_RULES, FR_RULES } from './rules-es-fr.js';
import { TOXIC_RULES } from './rules-toxic.js';

/** The attack categories. */
export type AttackCategory = 'prompt_injection' | 'jailbreak' | 'system_prompt_extraction' | 'toxic';

/** Scores of one text. */
export interface AttackScores {
  prompt_injection: number;
  jailbreak: number;
  system_prompt_extraction: number;
  toxic: number;
  /** Injection + jailbreak + extraction, after meta damping and decoded payloads. */
  attack: number;
  hits: RuleHit[];
  /** True when a decoded payload contributed. */
  decoded: boolean;
}

const RULES = compileRules([...EN_RULES, ...ES_RULES, ...FR_RULES, ...DE_RULES, ...IT_PT_NL_RULES, ...TOXIC_RULES]);
attachConcepts(RULES, buildConceptIndex().byHash);
const TABLE: TokenTable = tokenTable();
const SYNTHETIC = new Map<string, AttackRule>();

/** A rule object standing for a concept pattern, sharing the family of the phrase rules it generalises. */
function synthetic(id: string, family: string, cat: RuleCategory, w: number): AttackRule {
  const key = `${id}:${w}`;
  let r = SYNTHETIC.get(key);
  if (r === undefined) SYNTHETIC.set(key, (r = { id, family, cat, w, re: /(?!)/, any: null, wordAnchors: false, lead: false, backoff: 0, view: 'words' }));
  return r;
}

const isAttack = (r: AttackRule): boolean => r.cat !== 'meta' && r.cat !== 'toxic';
const isLatinAttack = (r: AttackRule): boolean => isAttack(r) && r.view !== 'native';
const isMeta = (r: AttackRule): boolean => r.cat === 'meta';
const isToxic = (r: AttackRule): boolean => r.cat === 'toxic';
const NON_ASCII = /[^\x00-\x7f]/;
/** Damping from `meta` rules never exceeds this. */
const MAX_DAMPING = 0.8;
/** A text that discusses attacks (researchers, prompt injection, defences) keeps this share of its score. */
const DISCUSSION_FACTOR = 0.6;
/** Weight kept by a phrase quoted as an example, as speech, or quoted inside a discussion. */
const QUOTED_FACTOR = 0.3;
const QUOTES_PRESENT = /["'\u201c\u201d\u2018\u2019\u00ab\u00bb`]/;
/** Meta rules that damp only together with another meta rule. */
const EXAMPLE_ONLY = new Set(['en.meta.example', 'en.meta.actors']);
const QUOTES = `"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\``;
const INTRODUCES_EXAMPLE =
  /\b(?:like|such as|e\.g\.?|for example|for instance|say|says|said|saying|type|types|typed|typing|write|writes|wrote|called|named|phrase|phrases|known as|shouts?|shouted|yells?|yelled|screams?|screamed|quote|quotes|quoting|translate|translating|translation of|spell|pronounce|define|means|meaning of|sentence|word|words)\s*[:,]?\s*$/;

const SPEECH_AFTER = /^\s*[,.!?]?\s*(?:[a-z]+ ){0,3}(?:said|says|asked|asks|replied|replies|shouted|shouts|whispered|whispers|yelled|yells|added|continued|muttered|told|wrote|writes|screamed|cried)\b/;
const MEANING_AFTER = /^\s*[,.]?\s*(?:mean|means|meant|refers? to|stands? for|imply|implies|is called|is known as|in the context of|translate|translates)\b/;
const SPEECH_BEFORE = /(?:said|says|asked|asks|replied|shouted|shouts|whispered|yelled|yells|told (?:him|her|them|me|us)|wrote|writes|screamed|cried)\s*[,:]?\s*$/;

/**
 * How a hit's phrase is quoted: `example` (introduced as an example or a term), `speech` (a
 * character's line), `plain` (in quotes, nothing more known), or undefined (not in quotes).
 */
function quoteKind(lower: string, match: string): 'example' | 'speech' | 'plain' | undefined {
  const words = match.split(' ').filter((w) => w.length > 0 && w !== 'zzsb');
  if (words.length === 0) return undefined;
  const re = new RegExp(words.slice(0, 3).map((w) => w.replace(/[^a-z0-9]/g, '')).join('[^a-z0-9]+'));
  const m = re.exec(lower);
  if (m === null) return undefined;
  const before = lower.slice(Math.max(0, m.index - 160), m.index);
  // the last quote mark before the phrase, with no sentence end between it and the phrase
  let q = -1;
  for (let k = before.length - 1; k >= 0; k--) {
    const ch = before[k]!;
    if (QUOTES.includes(ch) && (k === 0 || !/[a-z0-9]/.test(before[k - 1]!))) {
      q = k;
      break;
    }
  }
  if (q < 0) return undefined;
  const rest = lower.slice(m.index, m.index + 400);
  const close = rest.search(/["'\u201c\u201d\u2018\u2019\u00ab\u00bb`](?:\s|[.,;:!?)]|$)/);
  if (close < 0) return undefined;
  const lead = before.slice(Math.max(0, q - 40), q);
  if (INTRODUCES_EXAMPLE.test(lead)) return 'example';
  const after = rest.slice(close + 1);
  if (MEANING_AFTER.test(after)) return 'example';
  if (SPEECH_BEFORE.test(lead) || SPEECH_AFTER.test(after)) return 'speech';
  return 'plain';
}

/** Bonus for an attack that was hidden in an encoding. */
const ENCODED_BONUS = 0.3;

/** Which detectors to run. */
export interface AttackOptions {
  attacks: boolean;
  toxic: boolean;
}

/**
 * Scores a text for attacks and toxic content.
 *
 * @example
 * ```ts
 * scoreAttacks('Ignore all previous instructions', { attacks: true, toxic: true }).attack; // ≥ 1
 * ```
 */
export function scoreAttacks(text: string, opts: AttackOptions, depth = 0): AttackScores {
  const view = attackView(text);
  const positions = locateAnchors(view.words, RULES, opts.attacks ? TABLE : undefined);
  const hits: RuleHit[] = [];
  if (opts.attacks) {
    const concepts = conceptHits(view.words, hits);
    runRules(view, RULES, positions, NON_ASCII.test(text) ? isAttack : isLatinAttack, hits);
    // text that speaks to an AI (a vocative, a note, "AI reading this") and asks for an action
    if (concepts.anyImperative && concepts.addressImperative === 0 && hits.some((h) => h.rule.family === 'en.address' || h.rule.id === 'en.ind.reading')) {
      hits.push({ rule: synthetic('concept.address_imperative', 'concept.address_imperative', 'prompt_injection', 0.3), match: '' });
    }
    if (hits.length > 0) runRules(view, RULES, positions, isMeta, hits);
  }
  if (opts.toxic) runRules(view, RULES, positions, isToxic, hits);
  const s: AttackScores = { prompt_injection: 0, jailbreak: 0, system_prompt_extraction: 0, toxic: 0, attack: 0, hits, decoded: false };
  let meta = 0;
  let discussing = false;
  for (const h of hits) {
    if (h.rule.cat === 'meta') {
      meta += h.rule.w;
      if (!EXAMPLE_ONLY.has(h.rule.id)) discussing = true;
    }
  }
  // quoted phrases count less when they are examples, a character's speech, or quoted in a discussion
  const best = new Map<string, number>();
  let raw = 0;
  for (const h of hits) if (h.rule.cat !== 'meta') raw += h.rule.w;
  // quotes only lower a score, so they matter only for texts that could reach a threshold
  const quoted = raw >= 0.7 && QUOTES_PRESENT.test(view.lower);
  for (const h of hits) {
    if (h.rule.cat === 'meta') continue;
    let w = h.rule.w;
    if (h.match && quoted) {
      const kind = quoteKind(view.lower, h.match);
      if (kind === 'example' || kind === 'speech' || (kind === 'plain' && discussing)) w *= QUOTED_FACTOR;
    }
    const key = h.rule.family;
    if (w > (best.get(key) ?? -1)) best.set(key, w);
  }
  const catOf = new Map<string, RuleCategory>();
  for (const h of hits) if (h.rule.cat !== 'meta' && !catOf.has(h.rule.family)) catOf.set(h.rule.family, h.rule.cat);
  for (const [family, w] of best) {
    const cat = catOf.get(family)!;
    if (cat !== 'meta') s[cat] += w;
  }
  s.attack = s.prompt_injection + s.jailbreak + s.system_prompt_extraction;
  if (s.attack > 0) {
    // "example" words only damp a text that otherwise reads as a discussion of attacks
    const damping = discussing ? Math.max(meta, -MAX_DAMPING) : 0;
    s.attack = Math.max(0, s.attack + damping) * (discussing ? DISCUSSION_FACTOR : 1);
  }
  if (opts.attacks && depth < 2) {
    for (const payload of decodePayloads(text, view)) {
      const inner = scoreAttacks(payload, opts, depth + 1);
      if (inner.attack >= 0.5) {
        const bonus = inner.attack + ENCODED_BONUS;
        s.attack += bonus;
        const top = topCategory(inner);
        s[top] += bonus;
        s.decoded = true;
        for (const h of inner.hits) hits.push(h);
      }
      if (inner.toxic >= 0.5) s.toxic += inner.toxic;
    }
  }
  return s;
}

/** Turns the concept scores of the current token table into rule hits. */
function conceptHits(words: string, hits: RuleHit[]): ConceptScores {
  const c = scoreConcepts(words, TABLE);
  const span = ([a, b]: [number, number]): string => words.slice(TABLE.starts[a]!, TABLE.ends[b]!);
  if (c.override > 0) hits.push({ rule: synthetic('concept.override', 'en.override', 'prompt_injection', c.override), match: span(c.overrideSpan) });
  if (c.nolimits > 0) hits.push({ rule: synthetic('concept.nolimits', 'en.nolimits', 'jailbreak', c.nolimits), match: span(c.nolimitsSpan) });
  if (c.extract > 0) hits.push({ rule: synthetic('concept.extract', 'en.extract', 'system_prompt_extraction', c.extract), match: span(c.extractSpan) });
  if (c.artifact > 0) hits.push({ rule: synthetic('concept.artifact', 'en.sysnoun', 'system_prompt_extraction', c.artifact), match: '' });
  if (c.address > 0) hits.push({ rule: synthetic('concept.address', 'en.address', 'prompt_injection', c.address), match: span(c.addressSpan) });
  if (c.addressImperative > 0) hits.push({ rule: synthetic('concept.address_imperative', 'concept.address_imperative', 'prompt_injection', c.addressImperative), match: '' });
  return c;
}

/** The attack category (injection, jailbreak or extraction) with the highest score. */
export function topCategory(s: AttackScores): Exclude<AttackCategory, 'toxic'> {
  if (s.jailbreak >= s.prompt_injection && s.jailbreak >= s.system_prompt_extraction) return 'jailbreak';
  if (s.system_prompt_extraction > s.prompt_injection) return 'system_prompt_extraction';
  return 'prompt_injection';
}

/** The strongest rule hit of a category, for a finding's text and reason. */
export function strongestHit(hits: readonly RuleHit[], cat: AttackCategory): RuleHit | undefined {
  let best: RuleHit | undefined;
  for (const h of hits) if (h.rule.cat === cat && (best === undefined || h.rule.w > best.rule.w)) best = h;
  return best;
}
