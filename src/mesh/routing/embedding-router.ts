/**
 * Semantic routing with an embedding model (`mesh.routing.embedding_model`): the skills'
 * descriptions and examples and each request are embedded through the model's provider (any
 * OpenAI-compatible `/v1/embeddings`), and each skill's closest text by cosine is blended with the
 * offline matcher's confidence.
 *
 * Cosines of different models live on different scales (one model's unrelated texts sit at 0.1,
 * another's at 0.7), so the cosine is read relative to the request itself: how far the skill
 * stands above the mean of all competing skills, as a share of the way from that mean to 1. A
 * request close to one skill and far from the rest scores high; a request equally close to
 * everything (a near-miss, or something no agent offers) scores low. When the embeddings call
 * fails, the decision is the offline matcher's and its reason says so.
 */
import { InvalidRequestError } from '../../errors.js';
import type { ModelProvider } from '../../providers/types.js';
import type { ModelCatalog } from '../../spec/resolve.js';
import type { SkillIndex, SkillMatch } from './skill-index.js';

/** Embeds texts as unit vectors. */
export interface TextEmbedder {
  /** The model's name in the spec (for reasons). */
  readonly name: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Batch size of one embeddings call. */
const BATCH = 64;

/**
 * A {@link TextEmbedder} calling `model.upstream` on `provider` (the provider layer of the gateway).
 * @example
 * ```ts
 * const e = providerTextEmbedder(providers.get('openai')!, catalog.resolve('embed')!);
 * const [v] = await e.embed(['refund my order']);
 * ```
 */
export function providerTextEmbedder(provider: ModelProvider, model: { name: string; upstream: string }): TextEmbedder {
  return {
    name: model.name,
    async embed(texts, signal) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const chunk = texts.slice(i, i + BATCH);
        const r = await provider.embed({ model: model.upstream, input: chunk }, { signal: signal ?? AbortSignal.timeout(10_000), requestId: 'mesh-routing' });
        const byIndex = [...r.data].sort((a, b) => a.index - b.index);
        if (byIndex.length !== chunk.length) throw new Error(`the embeddings endpoint returned ${byIndex.length} vectors for ${chunk.length} texts`);
        for (const d of byIndex) out.push(unit(d.embedding));
      }
      return out;
    },
  };
}

/**
 * The {@link TextEmbedder} of a declared embedding model (`models:` entry with `type: embedding`).
 * @throws {InvalidRequestError} when the model is not a declared embedding model or its provider is not running.
 */
export function modelTextEmbedder(name: string, catalog: ModelCatalog | undefined, providers: ReadonlyMap<string, ModelProvider> | undefined): TextEmbedder {
  const m = catalog?.resolve(name);
  if (!m || m.type !== 'embedding') throw new InvalidRequestError(`mesh.routing.embedding_model: '${name}' is not a declared embedding model (a models: entry with type: embedding)`);
  const p = providers?.get(m.provider);
  if (!p) throw new InvalidRequestError(`mesh.routing.embedding_model: provider '${m.provider}' of '${name}' is not running`);
  return providerTextEmbedder(p, m);
}

function unit(v: readonly number[]): Float32Array {
  const out = new Float32Array(v.length);
  let n = 0;
  for (const x of v) n += x * x;
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The texts of a skill that are embedded: "name: description", then each example. */
function skillTexts(e: { skill: string; name?: string; description?: string; examples?: readonly string[] }): string[] {
  const head = [e.name ?? e.skill.replace(/[-_]/g, ' '), e.description].filter(Boolean).join(': ');
  return [head, ...(e.examples ?? [])].filter((t) => t.trim().length > 0);
}

/**
 * Blends an embedding model's similarity with the offline matcher's confidence.
 * @example
 * ```ts
 * const router = new EmbeddingRouter(providerTextEmbedder(provider, model), { weight: 0.5 });
 * const m = await router.match(index, 'we have a blackout on our street');
 * ```
 */
export class EmbeddingRouter {
  readonly weight: number;
  private readonly vectors = new WeakMap<SkillIndex, Promise<Float32Array[][]>>();

  constructor(
    readonly embedder: TextEmbedder,
    opts: { weight?: number } = {},
  ) {
    this.weight = opts.weight ?? 0.5;
  }

  /** The embeddings of each indexed skill's texts (computed once per index). */
  private skillVectors(index: SkillIndex): Promise<Float32Array[][]> {
    let p = this.vectors.get(index);
    if (!p) {
      const texts = index.entries().map(skillTexts);
      p = this.embedder.embed(texts.flat()).then((flat) => {
        let k = 0;
        return texts.map((t) => t.map(() => flat[k++]!));
      });
      p.catch(() => this.vectors.delete(index)); // retried on the next request
      this.vectors.set(index, p);
    }
    return p;
  }

  /** Matches a request on `index`, blending the embedding similarity in; never throws for an embeddings failure. */
  async match(index: SkillIndex, text: string, opts: { tags?: readonly string[] | undefined } = {}): Promise<SkillMatch> {
    const lexical = index.match(text, opts);
    let skillVecs: Float32Array[][];
    let q: Float32Array;
    try {
      [skillVecs, [q]] = (await Promise.all([this.skillVectors(index), this.embedder.embed([text])])) as [Float32Array[][], [Float32Array]];
    } catch (e) {
      return { ...lexical, reason: `embeddings of ${this.embedder.name} unavailable (${e instanceof Error ? e.message : String(e)}); offline matcher only: ${lexical.reason}` };
    }
    const entries = index.entries();
    const tagFilter = opts.tags && opts.tags.length ? opts.tags.map((t) => t.toLowerCase()) : null;
    const lex = new Map<string, { confidence: number; bm25: number }>();
    for (const j of index.explain(text, opts)) lex.set(`${j.agent}/${j.skill}`, { confidence: j.confidence, bm25: j.bm25 });
    const eligible: { i: number; cos: number }[] = [];
    entries.forEach((e, i) => {
      if (tagFilter && !tagFilter.some((t) => (e.tags ?? []).some((x) => x.toLowerCase() === t))) return;
      let best = -1;
      for (const v of skillVecs[i]!) best = Math.max(best, dot(q, v));
      eligible.push({ i, cos: best });
    });
    if (eligible.length === 0) return lexical;
    const mean = eligible.reduce((s, x) => s + x.cos, 0) / eligible.length;
    const w = this.weight;
    const scored = eligible.map(({ i, cos }) => {
      const e = entries[i]!;
      const key = `${e.agent}/${e.skill}`;
      const l = lex.get(key);
      const rel = mean < 1 ? Math.max(0, Math.min(1, (cos - mean) / (1 - mean))) : 0;
      return { agent: e.agent, skill: e.skill, key, cos, rel, lexical: l?.confidence ?? 0, bm25: l?.bm25 ?? 0, score: (1 - w) * (l?.confidence ?? 0) + w * rel };
    });
    scored.sort((a, b) => b.score - a.score || b.cos - a.cos);
    const best = scored[0]!;
    const candidates = scored.slice(0, 3).map((c) => ({ agent: c.agent, skill: c.skill, score: round3(c.score), bm25: round3(c.bm25) }));
    const threshold = index.options.threshold;
    const how =
      `embedding ${this.embedder.name}: ${best.key} cosine ${round3(best.cos)}, ${pct(best.rel)} of the way from the skills' mean ${round3(mean)} to 1; ` +
      `offline matcher ${round3(best.lexical)}; blended ${round3(best.score)} (weight ${w})`;
    const next = scored[1] ? `; next ${scored[1].key} at ${round3(scored[1].score)}` : '';
    if (best.score < threshold) return { route: null, score: round3(best.score), reason: `${how}, below the threshold ${threshold}${next}; offline: ${lexical.reason}`, candidates };
    return { route: { agent: best.agent, skill: best.skill }, score: round3(best.score), reason: `${how}${next}`, candidates };
  }
}
