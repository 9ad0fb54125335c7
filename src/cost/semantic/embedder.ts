/**
 * Embedders for the semantic cache: the built-in sim embeddings (default; offline, deterministic)
 * or a declared embedding model called through its provider.
 */
import type { ModelProvider } from '../../providers/types.js';
import { embedText, DEFAULT_SIM_DIMENSIONS } from '../../providers/sim/embeddings.js';

/** Turns text into a unit vector. */
export interface Embedder {
  /** Label for reports (`sim` or the model name). */
  readonly name: string;
  embed(text: string, signal?: AbortSignal): Promise<Float32Array>;
}

function unit(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length);
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

/**
 * The sim embeddings (feature hashing of words and bigrams).
 *
 * @example
 * ```ts
 * const e = simEmbedder(); await e.embed('refund my order');
 * ```
 */
export function simEmbedder(dimensions = DEFAULT_SIM_DIMENSIONS): Embedder {
  return { name: 'sim', embed: async (text) => unit(embedText(text, dimensions)) };
}

/** An embedder that calls `model` (its upstream id) on `provider`. */
export function providerEmbedder(provider: ModelProvider, model: { name: string; upstream: string }): Embedder {
  return {
    name: model.name,
    async embed(text, signal) {
      const r = await provider.embed({ model: model.upstream, input: text }, { signal: signal ?? new AbortController().signal, requestId: 'semantic-cache' });
      return unit(r.data[0]?.embedding ?? []);
    },
  };
}

/** Cosine similarity of two unit vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}
