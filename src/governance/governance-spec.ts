/**
 * The `governance:` and `rollouts:` sections of daca.yaml: model versions, aliases per agent group,
 * named agent groups, and the defaults of canary rollouts.
 *
 * ```yaml
 * governance:
 *   groups:
 *     support-bots: { teams: [support], agents: [triage] }
 *   versions:
 *     v3: { model: sim-small, params: { temperature: 0.2 }, prompt_version: "support@12", status: stable }
 *     v4: { model: sim-large, params: { temperature: 0.2 }, prompt_version: "support@13" }
 *   aliases:
 *     team:support: { stable: v3 }       # seeds only: promotions made at run time are kept
 * rollouts:
 *   interval: 1m                          # live analysis schedule
 *   keep_versions: 2                      # versions kept per group for instant rollback
 *   rollback_if: "error_rate > stable + 2%"
 *   sample_rate: 0.1                      # share of rollout traffic graded by `graders`
 *   graders: [{ type: contains, value: "{{expected}}" }]   # {{expected}} = the request's `expected` tag
 * ```
 */
import { z } from 'zod';
import { GraderSchema } from '../evals/suite-schema.js';
import { DurationSchema } from '../telemetry/analytics/duration.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected an id: letters, digits, ".", "_", ":" or "-"');

/** Lifecycle of a model version. */
export const VersionStatusSchema = z.enum(['draft', 'candidate', 'stable', 'retired']);

/** Request parameters a version pins (they override the client's values). */
export const VersionParamsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    max_tokens: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
  })
  .strict();

/** A model version declared in the spec. */
export const VersionSpecSchema = z
  .object({
    model: z.string().min(1).describe('a model or alias of `models` / `aliases`'),
    params: VersionParamsSchema.default({}),
    prompt_version: z.string().optional().describe('version of the prompt template this version ships with'),
    status: VersionStatusSchema.default('draft'),
    description: z.string().optional(),
  })
  .strict();

/** A named agent group: agents and whole teams. */
export const AgentGroupSchema = z
  .object({ teams: z.array(z.string()).default([]), agents: z.array(z.string()).default([]) })
  .strict();

/** The `governance:` section. */
export const GovernanceSpecSchema = z
  .object({
    groups: z.record(id, AgentGroupSchema).default({}),
    versions: z.record(id, VersionSpecSchema).default({}),
    aliases: z
      .record(z.string().min(1), z.record(id, id))
      .default({})
      .describe('scope (team:T, agent:A, tenant:X, group:G or all) → alias name → version; seeds the registry'),
  })
  .strict();

/** The `rollouts:` section. */
export const RolloutsSpecSchema = z
  .object({
    interval: DurationSchema.default(60_000).describe('how often running rollouts are analysed'),
    keep_versions: z.number().int().min(1).max(20).default(2).describe('versions kept per group for instant rollback'),
    min_samples: z.number().int().min(1).default(30).describe('judged requests per arm before a promotion decision'),
    guard_min_samples: z.number().int().min(1).default(10).describe('canary requests before a guard may roll back'),
    alpha: z.number().gt(0).lt(1).default(0.05).describe('significance level of every test'),
    sample_rate: z.number().min(0).max(1).default(0.1).describe('share of rollout traffic graded by `graders`'),
    graders: z.array(GraderSchema).default([]).describe('eval graders run on sampled rollout traffic ({{expected}} = the request\'s `expected` tag: metadata.expected or x-daca-tags)'),
    promote_if: z.string().optional().describe('default promotion criterion, e.g. "success +5%"'),
    rollback_if: z.string().optional().describe('default guards, e.g. "error_rate > stable + 2%, block_rate > 5%"'),
  })
  .strict();

/** The parsed `governance:` section. */
export type GovernanceSpec = z.output<typeof GovernanceSpecSchema>;
/** The parsed `rollouts:` section. */
export type RolloutsSpec = z.output<typeof RolloutsSpecSchema>;
/** Pinned request parameters of a version. */
export type VersionParams = z.output<typeof VersionParamsSchema>;
/** A version's lifecycle status. */
export type VersionStatus = z.output<typeof VersionStatusSchema>;
