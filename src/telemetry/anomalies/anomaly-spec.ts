/**
 * The `anomalies:` section of daca.yaml: how often to compare agents to their peers, over which
 * window, and with which rules.
 *
 * ```yaml
 * anomalies:
 *   interval: 1m        # how often detection runs
 *   window: 24h         # the data each run looks at
 *   group_by: role      # peer groups: declared role (defaults to the team) or team
 *   min_peers: 3        # fewest other agents in a group to compare against
 *   rules:
 *     - { metric: tokens_per_session, method: ratio, threshold: 3, min_samples: 3 }
 *     - { metric: latency_p95, method: mad, threshold: 3.5, min_ratio: 2, min_delta: 250 }
 * ```
 */
import { z } from 'zod';
import { DurationSchema } from '../analytics/duration.js';

/** One detection rule. */
export const AnomalyRuleSchema = z
  .object({
    metric: z.enum(['tokens_per_session', 'cost_per_day', 'error_rate', 'latency_p95']),
    method: z.enum(['mad', 'ratio']).default('mad').describe('mad: robust z = 0.6745·(x−median)/MAD; ratio: x / peer median'),
    threshold: z.number().positive().optional().describe('robust z (mad, default 3.5) or ratio (ratio, default 3)'),
    min_ratio: z.number().positive().optional().describe('mad only: value/median must also reach this (or its inverse for low)'),
    min_delta: z.number().nonnegative().default(0).describe('|value − median| must reach this (metric units: tokens, USD, rate, ms)'),
    min_samples: z.number().int().positive().default(5).describe('sessions (tokens_per_session) or requests the agent needs'),
    direction: z.enum(['high', 'low', 'both']).default('high'),
  })
  .strict();

/** The default rules: 3x the peers' tokens per session, and robust outliers on cost, errors and latency. */
export const DEFAULT_ANOMALY_RULES: z.infer<typeof AnomalyRuleSchema>[] = [
  { metric: 'tokens_per_session', method: 'ratio', threshold: 3, min_delta: 0, min_samples: 3, direction: 'high' },
  { metric: 'cost_per_day', method: 'mad', threshold: 3.5, min_ratio: 2, min_delta: 0, min_samples: 5, direction: 'high' },
  { metric: 'error_rate', method: 'mad', threshold: 3.5, min_delta: 0.1, min_samples: 10, direction: 'high' },
  { metric: 'latency_p95', method: 'mad', threshold: 3.5, min_ratio: 2, min_delta: 250, min_samples: 10, direction: 'high' },
];

/** The `anomalies:` section. */
export const AnomaliesSchema = z
  .object({
    enabled: z.boolean().default(true),
    interval: DurationSchema.default(60_000).describe('how often detection runs (e.g. 1m)'),
    window: DurationSchema.default(86_400_000).describe('how much recent traffic each run compares (e.g. 24h)'),
    group_by: z.enum(['role', 'team']).default('role').describe('peer groups: the declared role (defaults to the team) or the team'),
    min_peers: z.number().int().positive().default(3).describe('fewest other agents in the group to compare against'),
    rules: z.array(AnomalyRuleSchema).default(DEFAULT_ANOMALY_RULES),
  })
  .strict();

/** One parsed anomaly rule. */
export type AnomalyRuleSpec = z.infer<typeof AnomalyRuleSchema>;
/** The parsed `anomalies:` section. */
export type AnomaliesSpec = z.infer<typeof AnomaliesSchema>;
