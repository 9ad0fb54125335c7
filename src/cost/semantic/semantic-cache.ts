/**
 * The semantic cache: a request whose last user message is close in meaning (cosine similarity of
 * embeddings ≥ the namespace's threshold) to one answered before gets that answer.
 *
 * Guards against wrong hits, all required:
 * - the same bucket: namespace (tenant, and the agent when `namespace_by` says so), the same model,
 *   and the same everything-but-the-last-user-message (system prompt, earlier turns, tools,
 *   response format, sampling parameters), compared by hash;
 * - the lexical guard (`lexical-guard.ts`): the same numbers, named entities and negations.
 *
 * Entries live in this process (LRU per bucket, TTL); the exact cache is the one shared through Redis.
 */
import { messageText, stripMarkers } from '../../providers/sim/markers.js';
import type { ChatRequest, ChatResult } from '../../providers/types.js';
import { canonicalJson } from '../../spec/canonical.js';
import type { CachedAnswer, CacheHit } from '../cache/exact-cache.js';
import { isCacheableResult } from '../cache/exact-cache.js';
import { normaliseRequest, sha256Hex } from '../cache/request-key.js';
import { cosine, type Embedder } from './embedder.js';
import { lexicalSignature, signaturesMatch, type GuardMode, type LexicalSignature } from './lexical-guard.js';

/** Who a request belongs to, for the namespace. */
export interface SemanticScope {
  tenant: string;
  agent: string;
  /** The spec model the request resolved to. */
  model: string;
}

/** Options of {@link SemanticCache}. */
export interface SemanticCacheOptions {
  embedder: Embedder;
  /** Default threshold. */
  threshold: number;
  /** Per-namespace thresholds (`tenant/agent` or `tenant`). */
  thresholds?: Readonly<Record<string, number>>;
  namespaceBy: readonly ('tenant' | 'agent')[];
  /** Lexical guard strictness (default `strict`). */
  guard?: GuardMode;
  maxEntriesPerBucket: number;
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  vec: Float32Array;
  sig: LexicalSignature;
  answer: CachedAnswer;
  expiresAt: number;
}

/** The text that is embedded: without the sim provider's `[sim:…]` control markers (the guard still sees them). */
function embeddable(text: string): string {
  return text.indexOf('[sim:') === -1 ? text : stripMarkers(text);
}

/** The text compared for similarity and the hash of everything else, or null when there is no user message. */
function split(model: string, req: ChatRequest): { text: string; rest: string } | null {
  let last = -1;
  for (let i = req.messages.length - 1; i >= 0; i--)
    if (req.messages[i]!.role === 'user') {
      last = i;
      break;
    }
  if (last < 0) return null;
  const text = messageText(req.messages[last]!.content);
  const masked = { ...req, messages: req.messages.map((m, i) => (i === last ? { role: m.role, content: '\u0000' } : m)) };
  return { text, rest: sha256Hex(canonicalJson(normaliseRequest(model, masked))) };
}

/**
 * The semantic cache.
 *
 * @example
 * ```ts
 * const sc = new SemanticCache({ embedder: simEmbedder(), threshold: 0.92, namespaceBy: ['tenant', 'agent'], maxEntriesPerBucket: 5000, ttlMs: 3_600_000 });
 * const hit = await sc.lookup({ tenant: 'acme', agent: 'support', model: 'gpt-4o' }, req);
 * ```
 */
export class SemanticCache {
  private readonly buckets = new Map<string, Map<string, Entry>>();
  private readonly now: () => number;
  hits = 0;
  misses = 0;
  /** Candidates above the threshold that the lexical guard refused. */
  guarded = 0;

  constructor(private readonly opts: SemanticCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The namespace of a scope: the tenant, and the agent when configured. */
  namespaceOf(scope: SemanticScope): string {
    return this.opts.namespaceBy.includes('agent') ? `${scope.tenant}/${scope.agent}` : scope.tenant;
  }

  /** The threshold of a namespace. */
  thresholdOf(ns: string, override?: number): number {
    return override ?? this.opts.thresholds?.[ns] ?? this.opts.thresholds?.[ns.split('/')[0]!] ?? this.opts.threshold;
  }

  /** The closest stored answer above the threshold that passes the guards, or null. */
  async lookup(scope: SemanticScope, req: ChatRequest, opts: { threshold?: number; signal?: AbortSignal } = {}): Promise<CacheHit | null> {
    const parts = split(scope.model, req);
    if (!parts) return null;
    const ns = this.namespaceOf(scope);
    const bucketKey = `${ns}|${parts.rest}`;
    const bucket = this.buckets.get(bucketKey);
    if (!bucket || bucket.size === 0) {
      this.misses++;
      return null;
    }
    const exact = bucket.get(parts.text);
    const now = this.now();
    const threshold = this.thresholdOf(ns, opts.threshold);
    let best: { key: string; e: Entry; sim: number } | null = null;
    if (exact && exact.expiresAt > now) best = { key: parts.text, e: exact, sim: 1 };
    else {
      const vec = await this.opts.embedder.embed(embeddable(parts.text), opts.signal);
      const sig = lexicalSignature(parts.text);
      let refused = false;
      for (const [k, e] of bucket) {
        if (e.expiresAt <= now) {
          bucket.delete(k);
          continue;
        }
        const sim = cosine(vec, e.vec);
        if (sim < threshold || (best && sim <= best.sim)) continue;
        if (!signaturesMatch(sig, e.sig, this.opts.guard)) {
          refused = true;
          continue;
        }
        best = { key: k, e, sim };
      }
      if (!best && refused) this.guarded++;
    }
    if (!best) {
      this.misses++;
      return null;
    }
    bucket.delete(best.key);
    bucket.set(best.key, best.e);
    this.hits++;
    return { ...structuredClone(best.e.answer), kind: 'semantic', key: `${bucketKey}|${best.key}`, savedMicros: best.e.answer.costMicros, similarity: best.sim };
  }

  /** Stores a fresh answer (complete answers only); returns whether it did. */
  async store(scope: SemanticScope, req: ChatRequest, result: ChatResult, meta: { answeredBy: string; costMicros: number }, signal?: AbortSignal): Promise<boolean> {
    if (!isCacheableResult(result)) return false;
    const parts = split(scope.model, req);
    if (!parts) return false;
    const bucketKey = `${this.namespaceOf(scope)}|${parts.rest}`;
    let bucket = this.buckets.get(bucketKey);
    if (!bucket) this.buckets.set(bucketKey, (bucket = new Map()));
    const vec = await this.opts.embedder.embed(embeddable(parts.text), signal);
    bucket.delete(parts.text);
    bucket.set(parts.text, {
      vec,
      sig: lexicalSignature(parts.text),
      answer: { result, answeredBy: meta.answeredBy, costMicros: meta.costMicros, usage: result.usage, createdAt: this.now() },
      expiresAt: this.now() + this.opts.ttlMs,
    });
    while (bucket.size > this.opts.maxEntriesPerBucket) bucket.delete(bucket.keys().next().value as string);
    return true;
  }

  /** Entries held, over all buckets. */
  size(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.size;
    return n;
  }
}
