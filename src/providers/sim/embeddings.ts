/**
 * Deterministic sim embeddings: feature hashing of lowercase word unigrams (weight 1) and bigrams
 * (weight 0.5) into `dimensions` signed buckets, then L2-normalised. Texts sharing words get a
 * higher cosine similarity than unrelated ones; the same text always gets the same vector.
 */
import { hashString } from './hash.js';

/** Embedding size when neither the request nor the model sets one. */
export const DEFAULT_SIM_DIMENSIONS = 256;

const WORD = /[\p{L}\p{N}]+/gu;

function add(vec: Float64Array, feature: string, weight: number): void {
  const h = hashString(feature);
  vec[h % vec.length]! += (h & 0x8000_0000) === 0 ? weight : -weight;
}

/**
 * A unit vector for `text`.
 *
 * @example
 * ```ts
 * embedText('refund my order', 256).length; // 256
 * ```
 */
export function embedText(text: string, dimensions: number): number[] {
  const vec = new Float64Array(dimensions);
  const words = text.toLowerCase().match(WORD) ?? [];
  let prev = '';
  for (const w of words) {
    add(vec, w, 1);
    if (prev) add(vec, prev + ' ' + w, 0.5);
    prev = w;
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += vec[i]! * vec[i]!;
  if (norm === 0) {
    vec[hashString(text) % dimensions] = 1;
    norm = 1;
  }
  const inv = 1 / Math.sqrt(norm);
  const out = new Array<number>(dimensions);
  for (let i = 0; i < dimensions; i++) out[i] = vec[i]! * inv;
  return out;
}
