/**
 * Seeded, deterministic randomness for the eval harness: string hashing and a small PRNG.
 * Not cryptographic; stable across runs and platforms so a seed reproduces a run.
 */
import { SimRandom } from '../providers/sim/hash.js';

/** 32-bit FNV-1a hash with a murmur3 finaliser, optionally chained from `seed`. */
export function hash32(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A mulberry32 pseudo-random stream (the sim provider's, plus `below`).
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.next(); // same number for seed 42, every time
 * ```
 */
export class Rng extends SimRandom {
  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
