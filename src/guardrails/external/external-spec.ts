/**
 * The `guardrails.external:` list of daca.yaml: guardrails that run outside daca's deterministic
 * tier — an HTTP webhook, or an LLM judge called through the gateway itself.
 *
 * ```yaml
 * guardrails:
 *   external:
 *     - { name: policy-svc, type: webhook, url: "https://guard.internal/check", direction: both, timeout_ms: 800, on_error: block, secret: "${GUARD_SECRET}" }
 *     - { name: tone, type: judge, model: gpt-mini, rubric: "Block answers that promise refunds.", direction: output }
 * ```
 *
 * Every entry applies to all agents unless it lists `agents:`.
 */
import { z } from 'zod';

const Direction = z.enum(['input', 'output', 'both']);
const OnError = z.enum(['allow', 'block']);
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a guardrail name is letters, digits, _ . -');

const Common = {
  name: Name,
  direction: Direction.default('both'),
  on_error: OnError.default('allow').describe('what a timeout, error or unreadable answer means'),
  agents: z.array(z.string().min(1)).optional().describe('the agents it applies to (default: all)'),
};

/** A webhook guardrail: POSTs the content and obeys `{ action, reason }`. */
export const WebhookGuardrailSpecSchema = z
  .object({
    ...Common,
    type: z.literal('webhook'),
    url: z.url('expected an http(s) URL'),
    timeout_ms: z.number().int().positive().default(1000),
    secret: z.string().min(1).optional().describe('HMAC-SHA256 key: x-daca-signature: sha256=<hex of the body>'),
  })
  .strict();

/** An LLM-judge guardrail: asks a declared model, through the gateway, for a JSON verdict. */
export const JudgeGuardrailSpecSchema = z
  .object({
    ...Common,
    type: z.literal('judge'),
    model: z.string().min(1).describe('a declared model or alias'),
    rubric: z.string().min(1),
    timeout_ms: z.number().int().positive().default(15000),
  })
  .strict();

/** One `guardrails.external` entry. */
export const ExternalGuardrailSpecSchema = z.discriminatedUnion('type', [WebhookGuardrailSpecSchema, JudgeGuardrailSpecSchema]);

/** The `guardrails.external` list (names unique). */
export const ExternalGuardrailsSpecSchema = z
  .array(ExternalGuardrailSpecSchema)
  .default([])
  .refine((xs) => new Set(xs.map((x) => x.name)).size === xs.length, 'external guardrail names must be unique');

/** A parsed webhook entry. */
export type WebhookGuardrailSpec = z.infer<typeof WebhookGuardrailSpecSchema>;
/** A parsed judge entry. */
export type JudgeGuardrailSpec = z.infer<typeof JudgeGuardrailSpecSchema>;
/** A parsed external entry. */
export type ExternalGuardrailSpec = z.infer<typeof ExternalGuardrailSpecSchema>;
