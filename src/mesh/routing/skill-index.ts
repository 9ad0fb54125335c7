/**
 * The offline skill matcher: which declared skill a request stated in words asks for, and how
 * sure we are, without a model call.
 *
 * Ranking is BM25 over each skill's name, tags, description and examples (stemmed,
 * synonym-folded), precomputed per term so a decision is a few array additions. Acceptance is
 * judged separately, by evidence a reader can check:
 *
 * - coverage: the share of the request's information (IDF-weighted terms, arguments such as ids
 *   and names excluded) that the skill's vocabulary accounts for. A request that also asks for
 *   something the skill never mentions is not fully that skill's request. Words no skill knows
 *   weigh a little less than words another skill owns: they may be paraphrase, while another
 *   skill's word is evidence of another need;
 * - decisive actions: when the request says what to do (cancel, refund, translate…) the skill
 *   must mention at least one of those actions;
 * - a minimum of matched evidence (one common word is not a need), and a margin over a rival
 *   skill of another agent when the evidence is thin.
 */
import { DECISIVE_ACTIONS, isDecisiveVerb, WEAK_ACTIONS } from './actions.js';
import { confidences, logit, ROUTING_WEIGHTS, type Features } from './calibration.js';
import { SpellIndex } from './fuzzy.js';
import { isNeedWord, lexiconSpellings } from './lexicon.js';
import { termOf } from './synonyms.js';
import { analyse, analyseVocabulary, plainWords } from './text.js';

/** A skill as the matcher sees it. */
export interface SkillEntry {
  agent: string;
  skill: string;
  name?: string;
  description?: string;
  examples?: readonly string[];
  tags?: readonly string[];
}

/** Tunables of the matcher (defaults in {@link DEFAULT_MATCHER_OPTIONS}). */
export interface MatcherOptions {
  /** Minimum confidence to route (0–1). */
  threshold: number;
  /** Minimum evidence the request and the skill must share, as a share of the weight of a word only one skill has. */
  minEvidence: number;
  /** When the best confidence is below this, a rival of another agent within `margin` makes the request ambiguous. */
  marginBelow: number;
  /** Required confidence lead over the best rival of another agent when `marginBelow` applies. */
  margin: number;
  /** Weight of a word no skill knows and the lexicon does not know (likely an argument), relative to a word only one skill has. */
  unknownWeight: number;
  /** Weight of a lexicon need word no skill offers, relative to a word only one skill has. */
  unofferedWeight: number;
  /** Weight of a word known only from skills' examples (examples carry arguments too), relative to its IDF. */
  exampleOnlyWeight: number;
  /** Multiplier of decisive actions (cancel, refund, translate…): the verb carries the need. */
  actionBoost: number;
  /** Weights of the confidence model (see calibration.ts); default: the fitted ones. */
  weights?: readonly number[];
}

/** Defaults of the matcher. */
export const DEFAULT_MATCHER_OPTIONS: Readonly<MatcherOptions> = Object.freeze({
  threshold: 0.45,
  minEvidence: 0.4,
  marginBelow: 0,
  margin: 0.05,
  unknownWeight: 0.15,
  unofferedWeight: 1,
  exampleOnlyWeight: 0.5,
  actionBoost: 2,
});

/** One scored candidate skill. */
export interface SkillCandidate {
  agent: string;
  skill: string;
  /** Confidence in [0, 1]. */
  score: number;
  /** Raw BM25 relevance. */
  bm25: number;
}

/** A candidate skill as the matcher judged it: its evidence, features and confidence. */
export interface JudgedCandidate {
  agent: string;
  skill: string;
  /** Share of the request's (IDF-weighted) information the skill's vocabulary accounts for. */
  coverage: number;
  bm25: number;
  /** Matched weight. */
  evidence: number;
  /** Matched weight of words that are not actions. */
  objectMass: number;
  /** The request also says something another skill owns, or names a need no skill offers. */
  conflict: boolean;
  matched: string[];
  unmatched: string[];
  /** The request's main decisive verb, when the skill does not mention it. */
  missingAction: string | null;
  /** Features of the confidence model (calibration.ts). */
  features: Features;
  /** Confidence in [0, 1]: the model's probability that this skill is the one asked for. */
  confidence: number;
}

/** The matcher's answer for one request. */
export interface SkillMatch {
  /** The chosen skill, or null when none is good enough. */
  route: { agent: string; skill: string } | null;
  /** Confidence of the best candidate (0 when there is none). */
  score: number;
  /** Why, in words. */
  reason: string;
  /** The best candidates, best first (at most 3). */
  candidates: SkillCandidate[];
}

const FIELD_WEIGHT = { name: 3, tags: 2, description: 2, examples: 1, agent: 1 } as const;
const K1 = 1.2;
/** Weak verbs (check, create, change…) say little about the need: a fraction of a word's weight. */
const WEAK_WEIGHT = 0.3;
const B = 0.5;
const GENERIC_AGENT_WORDS = new Set(['agent', 'bot', 'servic', 'assist', 'assistant', 'api', 'daca']);

interface Posting {
  skill: number;
  weight: number;
}

/**
 * A precomputed index over a set of skills.
 * @example
 * ```ts
 * const index = new SkillIndex([{ agent: 'stock', skill: 'check', description: 'Check inventory levels' }]);
 * index.match('how many units are in stock?').route; // { agent: 'stock', skill: 'check' }
 * ```
 */
export class SkillIndex {
  readonly options: Readonly<MatcherOptions>;
  private readonly skills: SkillEntry[];
  private readonly termIds = new Map<string, number>();
  private readonly idf: number[] = [];
  /** Terms some skill has in its name, description or tags (not only in examples). */
  private readonly core = new Set<number>();
  /** Evidence weight of each known term (IDF, scaled down for example-only words, up for actions). */
  private readonly weight: number[] = [];
  private readonly postings: Posting[][] = [];
  private readonly vocab: Set<number>[] = [];
  private readonly tagSets: Set<string>[] = [];
  private readonly actionTerms: Set<number>[] = [];

  /** Term ids of each skill's name. */
  private readonly nameIds: number[][] = [];
  /** Each skill's description and examples as separate documents (unique term ids, IDF norm and mass). */
  private readonly docs: { ids: number[]; norm: number; mass: number }[][] = [];
  private readonly weights: readonly number[];
  private readonly scores: Float64Array;
  /** IDF of a word only one skill has: the unit of unknown words' weights. */
  private readonly rare: number;
  /** Spellings of the skills' words and the lexicon's, to correct misspelt request words. */
  private readonly spell = new SpellIndex();

  constructor(skills: readonly SkillEntry[], options: Partial<MatcherOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_MATCHER_OPTIONS, ...options });
    this.skills = [...skills];
    const n = this.skills.length;
    this.scores = new Float64Array(n);
    const tfs: Map<number, number>[] = [];
    const core = this.core;
    const lengths: number[] = [];
    for (const s of this.skills) {
      const tf = new Map<number, number>();
      let len = 0;
      const add = (text: string | undefined, w: number, filter?: (t: string) => boolean): void => {
        if (!text) return;
        for (const t of analyseVocabulary(text, w === FIELD_WEIGHT.examples ? { names: true, isNeedWord } : {})) {
          if (filter && !filter(t)) continue;
          const id = this.termId(t);
          tf.set(id, (tf.get(id) ?? 0) + w);
          len += w;
          if (w !== FIELD_WEIGHT.examples) core.add(id);
        }
      };
      add(s.name ?? s.skill.replace(/[-_]/g, ' '), FIELD_WEIGHT.name);
      for (const tag of s.tags ?? []) add(tag, FIELD_WEIGHT.tags);
      add(s.description, FIELD_WEIGHT.description);
      for (const e of s.examples ?? []) add(e, FIELD_WEIGHT.examples);
      add(s.agent.replace(/[-_.:]/g, ' '), FIELD_WEIGHT.agent, (t) => !GENERIC_AGENT_WORDS.has(t));
      for (const text of [s.name ?? s.skill.replace(/[-_]/g, ' '), s.description, ...(s.tags ?? []), ...(s.examples ?? [])]) if (text) for (const w of plainWords(text)) this.spell.add(w, 2);
      tfs.push(tf);
      lengths.push(len);
      this.vocab.push(new Set(tf.keys()));
      this.tagSets.push(new Set((s.tags ?? []).map((t) => t.toLowerCase())));
    }
    const avg = lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    const df = new Array<number>(this.termIds.size).fill(0);
    for (const tf of tfs) for (const id of tf.keys()) df[id]!++;
    for (let id = 0; id < df.length; id++) {
      this.idf[id] = idfOf(n, df[id]!);
      this.postings[id] = [];
      const t = this.termAt(id);
      this.weight[id] = this.idf[id]! * (core.has(id) ? 1 : this.options.exampleOnlyWeight) * (DECISIVE_ACTIONS.has(t) ? this.options.actionBoost : WEAK_ACTIONS.has(t) ? WEAK_WEIGHT : 1);
    }
    for (let s = 0; s < n; s++) {
      const norm = K1 * (1 - B + (B * lengths[s]!) / (avg || 1));
      for (const [id, f] of tfs[s]!) this.postings[id]!.push({ skill: s, weight: (this.idf[id]! * f * (K1 + 1)) / (f + norm) });
    }
    for (let s = 0; s < n; s++) {
      const acts = new Set<number>();
      for (const id of this.vocab[s]!) if (DECISIVE_ACTIONS.has(this.termAt(id))) acts.add(id);
      this.actionTerms.push(acts);
    }
    this.rare = idfOf(Math.max(n, 2), 1);
    this.weights = this.options.weights ?? ROUTING_WEIGHTS;
    for (const s of this.skills) {
      this.nameIds.push([...new Set(analyseVocabulary(s.name ?? s.skill.replace(/[-_]/g, ' ')).map((t) => this.termIds.get(t)!))]);
      const docs: { ids: number[]; norm: number; mass: number }[] = [];
      const texts: [string | undefined, boolean][] = [[s.description, false], ...(s.examples ?? []).map((e): [string, boolean] => [e, true])];
      for (const [text, example] of texts) {
        if (!text) continue;
        const ids = [...new Set(analyseVocabulary(text, example ? { names: true, isNeedWord } : {}).map((t) => this.termIds.get(t)!))];
        let sq = 0;
        let mass = 0;
        for (const id of ids) {
          sq += this.idf[id]! ** 2;
          mass += this.idf[id]!;
        }
        if (ids.length) docs.push({ ids, norm: Math.sqrt(sq), mass });
      }
      this.docs.push(docs);
    }
    for (const w of lexiconSpellings()) this.spell.add(w, 1);
  }

  /** Number of skills indexed. */
  get size(): number {
    return this.skills.length;
  }

  /** The indexed skills. */
  entries(): readonly SkillEntry[] {
    return this.skills;
  }

  /**
   * Matches a request. With `tags`, only skills carrying at least one of them compete.
   */
  match(text: string, opts: { tags?: readonly string[] | undefined } = {}): SkillMatch {
    const a = this.analyseRequest(text, opts);
    if (a.early) return a.early;
    return this.decide(a.judged, a.corrected, a.shown);
  }

  private analyseRequest(text: string, opts: { tags?: readonly string[] | undefined }): { judged: JudgedCandidate[]; corrected: string[]; shown: ReadonlyMap<string, string>; early?: SkillMatch } {
    const terms = analyse(text);
    const ids: number[] = [];
    /** The request's weight of each of `ids` (a decisive action used as a noun weighs as a noun). */
    const weights: number[] = [];
    const unknownTerms: string[] = [];
    const unknownWeights: number[] = [];
    const actions: string[] = [];
    const corrected: string[] = [];
    /** The request's own word for each term (reasons quote the request, not stems or synonym concepts). */
    const shown = new Map<string, string>();
    let total = 0;
    let unofferedNeeds = 0;
    const seen = new Set<string>();
    for (const t of terms) {
      if (t.slot) continue;
      let term = t.term;
      let word = t.word;
      let id = this.termIds.get(term);
      if (id === undefined && word !== undefined && !t.proper && !isNeedWord(term)) {
        const fixed = this.spell.correct(word);
        if (fixed !== undefined) {
          corrected.push(`'${word}'→'${fixed}'`);
          word = fixed;
          term = termOf(fixed);
          id = this.termIds.get(term);
        }
      }
      if (seen.has(term)) continue;
      seen.add(term);
      if (t.word !== undefined) shown.set(term, t.word);
      if (t.proper && !isNeedWord(term)) continue; // a name: an argument, even when an example mentions it
      // a corrected spelling is evidence of an object, never a verb that decides the need
      const decisive = word !== t.word ? false : word !== undefined ? isDecisiveVerb(word) : DECISIVE_ACTIONS.has(term);
      if (decisive) actions.push(term);
      if (id === undefined) {
        unknownTerms.push(term);
        const o = this.options;
        // an action no skill offers is an unmet need at full weight; other lexicon words a little less
        const uw = decisive ? this.rare : WEAK_ACTIONS.has(term) ? this.rare * WEAK_WEIGHT : isNeedWord(term) ? this.rare * o.unofferedWeight : this.rare * o.unknownWeight;
        unknownWeights.push(uw);
        total += uw;
        if (!decisive && isNeedWord(term) && !WEAK_ACTIONS.has(term)) unofferedNeeds++;
      } else {
        const w = DECISIVE_ACTIONS.has(term) && !decisive ? this.weight[id]! / this.options.actionBoost : this.weight[id]!;
        ids.push(id);
        weights.push(w);
        total += w;
      }
    }
    if (total === 0) return { judged: [], corrected, shown, early: { route: null, score: 0, reason: 'the request states no need (no words beyond names, numbers and fillers)', candidates: [] } };

    const scores = this.scores;
    scores.fill(0);
    for (const id of ids) for (const p of this.postings[id]!) scores[p.skill]! += p.weight;
    const tagFilter = opts.tags && opts.tags.length ? opts.tags.map((t) => t.toLowerCase()) : null;

    // top 5 by BM25
    const top: number[] = [];
    for (let s = 0; s < scores.length; s++) {
      if (scores[s]! <= 0) continue;
      if (tagFilter && !tagFilter.some((t) => this.tagSets[s]!.has(t))) continue;
      if (top.length < 5 || scores[s]! > scores[top[top.length - 1]!]!) {
        top.push(s);
        top.sort((a, b) => scores[b]! - scores[a]!);
        if (top.length > 5) top.pop();
      }
    }
    if (top.length === 0) {
      const what = unknownTerms.length ? `no skill mentions ${quoteList(unknownTerms.map((t) => shown.get(t) ?? t))}` : 'no skill matches its words';
      return { judged: [], corrected, shown, early: { route: null, score: 0, reason: `${tagFilter ? `among skills tagged ${tagFilter.join(', ')}, ` : ''}${what}`, candidates: [] } };
    }
    const actionIds = actions.map((a) => this.termIds.get(a));
    return { judged: this.rank(top, ids, weights, actionIds, actions, total, unofferedNeeds, unknownWeights), corrected, shown };
  }

  private decide(judged: JudgedCandidate[], corrected: string[], shown: ReadonlyMap<string, string>): SkillMatch {
    const best = judged[0]!;
    const said = (terms: readonly string[]): string => quoteList(terms.map((t) => shown.get(t) ?? t));
    const candidates = judged.slice(0, 3).map((j) => ({ agent: j.agent, skill: j.skill, score: round3(j.confidence), bm25: round3(j.bm25) }));
    const label = `${best.agent}/${best.skill}`;
    const o = this.options;
    const conf = `confidence ${round3(best.confidence)}`;
    const next = judged[1] ? `; next ${judged[1].agent}/${judged[1].skill} at ${round3(judged[1].confidence)}` : '';
    if (best.confidence < o.threshold) {
      const why = best.missingAction
        ? `the request asks to ${best.missingAction}, which ${label} (the closest skill) does not offer`
        : best.objectMass === 0 && best.conflict
          ? `only the action ${said(best.matched)} matches ${label}; the request is about something else`
          : best.evidence < o.minEvidence * this.rare
            ? `too little evidence: the request shares only ${said(best.matched)} with ${label}`
            : `best match ${label} covers ${pct(best.coverage)} of the request${best.unmatched.length ? `; not covered: ${said(best.unmatched)}` : ''}`;
      return { route: null, score: round3(best.confidence), reason: `${why} (${conf}, below the threshold ${o.threshold})${next}`, candidates };
    }
    const read = corrected.length ? `; read ${corrected.join(', ')}` : '';
    return {
      route: { agent: best.agent, skill: best.skill },
      score: round3(best.confidence),
      reason: `matched ${said(best.matched)}: ${label} covers ${pct(best.coverage)} of the request, closest example ${pct(best.features[5]!)} alike (${conf})${next}${read}`,
      candidates,
    };
  }

  /**
   * The candidates of a request with their features and confidences, best first: what
   * {@link SkillIndex.match} decides on (and what bench/routing-train.ts fits the weights on).
   */
  explain(text: string, opts: { tags?: readonly string[] | undefined } = {}): JudgedCandidate[] {
    return this.analyseRequest(text, opts).judged;
  }

  private rank(top: readonly number[], ids: readonly number[], weights: readonly number[], actionIds: readonly (number | undefined)[], actions: readonly string[], total: number, unofferedNeeds: number, unknownWeights: readonly number[]): JudgedCandidate[] {
    const idSet = new Set(ids);
    let qNorm = 0;
    for (const w of weights) qNorm += w * w;
    for (const w of unknownWeights) qNorm += w * w;
    qNorm = Math.sqrt(qNorm) || 1;
    const qWeight = new Map<number, number>();
    ids.forEach((id, i) => qWeight.set(id, weights[i]!));
    const raw = top.map((s) => this.judge(s, ids, weights, actionIds, actions, total, unofferedNeeds));
    let maxBm25 = 0;
    for (const j of raw) if (j.bm25 > maxBm25) maxBm25 = j.bm25;
    const out: JudgedCandidate[] = raw.map((j, k) => {
      let rival = 0;
      raw.forEach((r, m) => {
        if (m !== k && r.coverage > rival) rival = r.coverage;
      });
      const s = top[k]!;
      // the skill's name words the request mentions (IDF-weighted)
      let nameAll = 0;
      let nameHit = 0;
      for (const id of this.nameIds[s]!) {
        nameAll += this.idf[id]!;
        if (idSet.has(id)) nameHit += this.idf[id]!;
      }
      // the closest of the skill's description and examples: cosine, and the share of it the request says
      let sim = 0;
      let recall = 0;
      for (const d of this.docs[s]!) {
        let dot = 0;
        let hit = 0;
        for (const id of d.ids) {
          const w = qWeight.get(id);
          if (w !== undefined) {
            dot += w * this.idf[id]!;
            hit += this.idf[id]!;
          }
        }
        const c = dot / (qNorm * d.norm);
        if (c > sim) sim = c;
        const r = hit / d.mass;
        if (r > recall) recall = r;
      }
      const unknownMass = unknownWeights.reduce((a, b) => a + b, 0);
      const features: Features = [
        1,
        j.coverage,
        j.coverage - rival,
        maxBm25 > 0 ? j.bm25 / maxBm25 : 0,
        nameAll > 0 ? nameHit / nameAll : 0,
        Math.min(1, sim),
        Math.min(j.evidence / this.rare, 3) / 3,
        j.missingAction ? 1 : 0,
        j.objectMass === 0 ? 1 : 0,
        j.conflict ? 1 : 0,
        unknownMass / total,
        Math.min(j.matched.length, 4) / 4,
        recall,
        j.coverage * j.coverage,
        j.coverage >= rival ? 1 : 0,
        Math.min(raw.filter((r, m) => m !== k && r.coverage >= j.coverage * 0.8).length, 3) / 3,
      ];
      return { ...j, features, confidence: 0 };
    });
    const conf = confidences(out.map((j) => logit(j.features, this.weights)));
    out.forEach((j, i) => (j.confidence = conf[i]!));
    out.sort((a, b) => b.confidence - a.confidence || b.bm25 - a.bm25);
    return out;
  }

  private judge(s: number, ids: readonly number[], weights: readonly number[], actionIds: readonly (number | undefined)[], actions: readonly string[], total: number, unofferedNeeds: number) {
    const vocab = this.vocab[s]!;
    let matchedMass = 0;
    let objectMass = 0;
    let conflict = false;
    const matched: string[] = [];
    const unmatched: string[] = [];
    const actionSet = new Set(actionIds);
    ids.forEach((id, i) => {
      const w = weights[i]!;
      if (vocab.has(id)) {
        matchedMass += w;
        if (!actionSet.has(id) && !WEAK_ACTIONS.has(this.termAt(id))) objectMass += w;
        matched.push(this.termAt(id));
      } else {
        const t = this.termAt(id);
        unmatched.push(t);
        // another skill's own (not example) word, or a need word: the request is about something else
        if (this.core.has(id) && !WEAK_ACTIONS.has(t)) conflict = true;
      }
    });
    if (unofferedNeeds > 0) conflict = true;
    let missingAction: string | null = null;
    // the request's first decisive action is its main verb ("cancel the deployment"): a skill
    // that does not mention it serves another need (offered elsewhere or nowhere)
    const first = actionIds[0];
    if (actions.length > 0 && (first === undefined || !vocab.has(first))) missingAction = actions[0]!;
    const e = this.skills[s]!;
    return { agent: e.agent, skill: e.skill, coverage: matchedMass / total, bm25: this.scores[s]!, evidence: matchedMass, objectMass, conflict, matched, unmatched, missingAction };
  }

  private termId(t: string): number {
    let id = this.termIds.get(t);
    if (id === undefined) {
      id = this.termIds.size;
      this.termIds.set(t, id);
      this.terms.push(t);
    }
    return id;
  }

  private readonly terms: string[] = [];

  private termAt(id: number): string {
    return this.terms[id]!;
  }
}

function idfOf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function quoteList(words: readonly string[]): string {
  return words.length ? words.slice(0, 6).map((w) => `'${w}'`).join(', ') : '(nothing)';
}
