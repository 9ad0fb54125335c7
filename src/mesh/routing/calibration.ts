/**
 * The matcher's confidence model: a conditional logit over the candidate skills plus "none".
 *
 * Each candidate skill of a request is described by a few features a reader can check (how much
 * of the request the skill accounts for, its lead over the other skills, how close the request is
 * to one of the skill's examples, whether the request's main verb is offered…). Its logit is a
 * weighted sum of them; the confidence of candidate i is `exp(zᵢ) / (1 + Σⱼ exp(zⱼ))`, the "1"
 * being the option that the request is for no skill at all. The weights are fitted by
 * `npm run bench:routing-train` on the labelled sets in test/fixtures/routing/ (leave-one-set-out
 * figures first, so that what is reported is what a set nobody tuned on gets).
 */

/** Names of the features, in the order of a feature vector. */
export const FEATURE_NAMES = [
  'bias',
  'coverage',
  'lead',
  'bm25_share',
  'name_coverage',
  'example_similarity',
  'evidence',
  'missing_action',
  'action_only',
  'conflict',
  'unknown_share',
  'matched_words',
  'skill_coverage',
  'coverage_squared',
  'best_coverage',
  'rivals',
] as const;

/** One feature vector (same order as {@link FEATURE_NAMES}). */
export type Features = number[];

/**
 * Fitted weights (bench/routing-train.ts, all four labelled sets; see docs/mesh.md for the
 * leave-one-set-out figures). Regenerate with `npm run bench:routing-train -- --write`.
 */
export const ROUTING_WEIGHTS: readonly number[] = [-3.772, -0.129, 0.348, 2.138, 1.18, 0.869, 0.823, -1.837, -1.925, -0.385, -0.577, 2.408, 1.126, 0.182, 0.34, -0.662];

/** The logit of one candidate. */
export function logit(f: Features, w: readonly number[] = ROUTING_WEIGHTS): number {
  let z = 0;
  for (let i = 0; i < f.length; i++) z += f[i]! * (w[i] ?? 0);
  return z;
}

/** Confidences of candidates from their logits (the rest, to 1, is "none of them"). */
export function confidences(z: readonly number[]): number[] {
  let max = 0;
  for (const x of z) if (x > max) max = x;
  let sum = Math.exp(-max);
  const e = z.map((x) => Math.exp(x - max));
  for (const x of e) sum += x;
  return e.map((x) => x / sum);
}
