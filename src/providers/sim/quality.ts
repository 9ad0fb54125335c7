/**
 * The sim provider's quality model: a simulated model of `capability` c ∈ [0,1] solves a task of
 * `difficulty` d ∈ [0,1] with probability `1 / (1 + e^(-10·(c − d)))` — 50 % when they are equal,
 * ~92 % when the model is 0.25 above the task, ~8 % when 0.25 below.
 *
 * The draw is `unitFromKey(seedKey)`: the sim derives the key from its seed and the request content
 * but *not* the model, so for one task every model faces the same draw and a more capable model
 * succeeds whenever a less capable one does (outcomes are monotonic per task, not just on average).
 */
import { unitFromKey } from './hash.js';

/** Capability of a sim model that declares none. */
export const DEFAULT_CAPABILITY = 0.7;

/** Probability that a model of `capability` solves a task of `difficulty`. */
export function successProbability(capability: number, difficulty: number): number {
  return 1 / (1 + Math.exp(-10 * (capability - difficulty)));
}

/**
 * Whether a sim model of `capability` solves a task of `difficulty`; reproducible from `seedKey`.
 *
 * @example
 * ```ts
 * simSucceeds(0.9, 0.3, 'seed:task-1'); // almost surely true
 * simSucceeds(0.2, 0.9, 'seed:task-1'); // almost surely false
 * ```
 */
export function simSucceeds(capability: number, difficulty: number, seedKey: string): boolean {
  return unitFromKey(seedKey) < successProbability(capability, difficulty);
}
