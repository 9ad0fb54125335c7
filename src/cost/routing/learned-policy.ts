/**
 * The learned router policy: a small JSON file `daca cost train-router` writes from eval results —
 * per feature bucket (task label, prompt length) the cheapest model whose eval success is within a
 * margin of the best model's, and whether its answers should be verified (cascade) — plus the
 * evidence behind each choice.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InvalidRequestError } from '../../errors.js';

/** The evidence of one model in one bucket. */
export const BucketEvidenceSchema = z
  .object({ model: z.string(), trials: z.number().int().nonnegative(), passed: z.number().int().nonnegative(), success: z.number().min(0).max(1), cost_micros_per_trial: z.number().nonnegative(), runs: z.array(z.string()) })
  .strict();

/** One bucket's choice. */
export const LearnedRouteSchema = z
  .object({ model: z.string(), verify: z.boolean().default(false), reason: z.string(), evidence: z.array(BucketEvidenceSchema).default([]) })
  .strict();

/** The policy file. */
export const LearnedPolicySchema = z
  .object({
    version: z.literal(1),
    suite: z.string(),
    trained_at: z.string(),
    margin: z.number().min(0).max(1),
    models: z.array(z.string()),
    routes: z.record(z.string(), LearnedRouteSchema).describe('feature key (task=faq|len=short, task=faq, *) → route'),
  })
  .strict();

/** A learned router policy. */
export type LearnedPolicy = z.output<typeof LearnedPolicySchema>;
/** One bucket's route. */
export type LearnedRoute = z.output<typeof LearnedRouteSchema>;
/** Per-model evidence in a bucket. */
export type BucketEvidence = z.output<typeof BucketEvidenceSchema>;

/**
 * Parses a policy file's JSON text.
 *
 * @throws {InvalidRequestError} naming the file and field when it is not a policy.
 */
export function parseLearnedPolicy(text: string, file = 'router policy'): LearnedPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InvalidRequestError(`${file}: not JSON (${(e as Error).message})`);
  }
  const r = LearnedPolicySchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InvalidRequestError(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

/** Reads a policy file. */
export function loadLearnedPolicy(path: string): LearnedPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidRequestError(`cannot read router policy ${path}: ${(e as Error).message}; run \`daca cost train-router\` first`);
  }
  return parseLearnedPolicy(text, path);
}
