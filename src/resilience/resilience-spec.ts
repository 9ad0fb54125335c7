/**
 * Resilience settings of daca.yaml, per model (and as defaults per provider):
 *
 * ```yaml
 * providers:
 *   openai:
 *     kind: openai
 *     base_url: https://api.openai.com/v1
 *     timeout_ms: 30000                   # per attempt (no progress for this long = timeout)
 *     circuit_breaker: { consecutive_failures: 5, half_open_after_ms: 30000 }
 * models:
 *   gpt4o:
 *     provider: openai
 *     fallbacks: [claude-sonnet, sim-large]  # tried in order when gpt4o fails or its circuit is open
 *     retry: { max_retries: 2, initial_delay_ms: 200, max_delay_ms: 5000 }
 *     circuit_breaker: { failure_rate: 0.5, window_ms: 30000, min_rps: 1 }
 *     timeout_ms: 20000                   # per attempt, until the answer (or a stream's first chunk)
 * ```
 *
 * Nothing is retried and no breaker trips unless declared, so a spec without these fields behaves
 * exactly as before.
 */
import { z } from 'zod';

/** Retries of one upstream: exponential backoff with jitter, honouring `Retry-After`. */
export const RetrySchema = z
  .object({
    max_retries: z.number().int().min(0).max(10).default(2).describe('retries after the first attempt'),
    initial_delay_ms: z.number().int().nonnegative().default(200),
    max_delay_ms: z.number().int().positive().default(5_000),
    max_retry_after_ms: z
      .number()
      .int()
      .nonnegative()
      .default(10_000)
      .describe('an upstream Retry-After longer than this is not waited for: the call fails over instead'),
  })
  .strict();

/** A per-upstream circuit breaker: consecutive failures, or a failure rate over a sliding window. */
export const CircuitBreakerSchema = z
  .object({
    consecutive_failures: z.number().int().positive().optional().describe('open after this many failures in a row (default 5)'),
    failure_rate: z.number().gt(0).max(1).optional().describe('open when this share of calls in the window fail'),
    window_ms: z.number().int().positive().default(30_000).describe('sampling window of failure_rate'),
    min_rps: z.number().nonnegative().default(0).describe('failure_rate only applies above this many requests per second'),
    half_open_after_ms: z.number().int().positive().default(30_000).describe('how long the circuit stays open before one probe call'),
  })
  .strict()
  .refine((b) => b.consecutive_failures === undefined || b.failure_rate === undefined, 'use consecutive_failures or failure_rate, not both');

/** Resilience fields of a model entry. */
export const ModelResilienceFields = {
  fallbacks: z.array(z.string().min(1)).optional().describe('models or aliases tried in order when this one fails or its circuit is open'),
  retry: RetrySchema.optional(),
  circuit_breaker: CircuitBreakerSchema.optional(),
  timeout_ms: z.number().int().positive().optional().describe('per-attempt timeout (until the answer or the first stream chunk)'),
};

/** Resilience defaults of a provider entry (a model's own settings win). */
export const ProviderResilienceFields = {
  retry: RetrySchema.optional(),
  circuit_breaker: CircuitBreakerSchema.optional(),
};

/** Retry settings after defaults. */
export type RetrySpec = z.infer<typeof RetrySchema>;
/** Circuit breaker settings after defaults. */
export type CircuitBreakerSpec = z.infer<typeof CircuitBreakerSchema>;
