/**
 * The `guardrails:` section of daca.yaml: content guardrails per agent.
 *
 * ```yaml
 * guardrails:
 *   enabled: true            # default true when the section is present
 *   output: true             # also scan model output (streams as they stream)
 *   policy:                  # the default policy (over DEFAULT_POLICY)
 *     actions: { pii: redact, secret: redact, prompt_injection: block, toxic: block }
 *     topics: [weapons]
 *     deny_patterns: ["internal-project-\\w+"]
 *   agents:
 *     support-bot: { actions: { pii: log } }   # merged over the default policy
 *   external:                # webhooks and LLM judges, after the deterministic tier (docs/guardrails.md)
 *     - { name: policy-svc, type: webhook, url: "https://guard.internal/check", direction: input }
 * ```
 */
import { z } from 'zod';
import { ExternalGuardrailsSpecSchema } from '../external/external-spec.js';

const Action = z.enum(['block', 'redact', 'log', 'off']);

/** One policy as written in the spec (every field optional; merged over the defaults). */
export const GuardrailPolicySpecSchema = z
  .object({
    actions: z
      .object({
        prompt_injection: Action.optional(),
        jailbreak: Action.optional(),
        system_prompt_extraction: Action.optional(),
        toxic: Action.optional(),
        pii: Action.optional(),
        secret: Action.optional(),
        topic: Action.optional(),
        regex: Action.optional(),
        size: Action.optional(),
      })
      .strict()
      .optional(),
    entities: z.array(z.enum(['email', 'phone', 'card', 'iban', 'national_id', 'ip', 'api_key', 'private_key', 'jwt', 'url_password', 'password'])).optional(),
    topics: z.array(z.string().min(1)).optional(),
    deny_patterns: z
      .array(z.string().min(1))
      .optional()
      .refine((ps) => (ps ?? []).every((p) => { try { new RegExp(p, 'iu'); return true; } catch { return false; } }), 'every deny pattern must be a valid regular expression'),
    max_input_chars: z.number().int().positive().optional(),
    reversible_redaction: z.boolean().optional(),
    attack_threshold: z.number().positive().optional(),
    untrusted_attack_threshold: z.number().positive().optional(),
  })
  .strict();

/** The `guardrails:` section. */
export const GuardrailsSpecSchema = z
  .object({
    enabled: z.boolean().default(true),
    output: z.boolean().default(true).describe('scan model output too (streamed output as it streams)'),
    policy: GuardrailPolicySpecSchema.default({}),
    agents: z.record(z.string(), GuardrailPolicySpecSchema).default({}),
    external: ExternalGuardrailsSpecSchema.describe('external guardrails (webhooks, LLM judges), run after the deterministic ones'),
  })
  .strict();

/** A parsed `guardrails:` section. */
export type GuardrailsSpec = z.infer<typeof GuardrailsSpecSchema>;
/** One policy as written in the spec. */
export type GuardrailPolicySpec = z.infer<typeof GuardrailPolicySpecSchema>;
