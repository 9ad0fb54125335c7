/**
 * The `rate_limits:` section of `daca.yaml`: requests per minute, tokens per minute and concurrent
 * requests per key, agent, team or tenant.
 *
 * Without a subject (`agent: triage`) an entry applies to every subject of its scope separately;
 * `tenant` / `team` / `agent` on an entry filter which calls it covers. The most specific matching
 * entry per scope wins. Tokens are estimated before the call and corrected after it.
 *
 * @example
 * ```yaml
 * rate_limits:
 *   - { scope: agent, rpm: 60 }                                  # every agent: 60 requests/min
 *   - { scope: agent, agent: triage, rpm: 600, tpm: 200000, concurrent: 8 }
 *   - { scope: team, team: support, tpm: 1000000 }
 *   - { scope: key, key: key_ci, rpm: 10 }
 * ```
 */
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, 'expected a name: letters, digits and . _ : @ / - (at most 128)');

/** The scopes a rate limit can apply to. */
export const LIMIT_SCOPES = ['key', 'agent', 'team', 'tenant'] as const;
/** A rate-limit scope. */
export type LimitScope = (typeof LIMIT_SCOPES)[number];

/** One rate-limit entry. */
export const RateLimitRuleSchema = z
  .object({
    scope: z.enum(LIMIT_SCOPES).describe('what is limited: each key, agent, team or tenant'),
    tenant: name.optional(),
    team: name.optional(),
    agent: name.optional(),
    key: name.optional().describe('a key id (see `daca keys list`; spec keys are `spec:<name>`)'),
    rpm: z.number().int().positive().optional().describe('requests per minute'),
    tpm: z.number().int().positive().optional().describe('tokens per minute (input + output)'),
    concurrent: z.number().int().positive().optional().describe('requests in flight at once'),
  })
  .strict()
  .refine((r) => r.rpm !== undefined || r.tpm !== undefined || r.concurrent !== undefined, 'a rate limit needs rpm, tpm or concurrent');

/** The `rate_limits:` section. */
export const RateLimitsSchema = z.array(RateLimitRuleSchema).describe('requests/min, tokens/min and concurrency per key, agent, team or tenant');

/** One parsed rate-limit entry. */
export type RateLimitRuleSpec = z.infer<typeof RateLimitRuleSchema>;
