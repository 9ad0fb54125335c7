/** External guardrails: HTTP webhooks and LLM judges (see docs/guardrails.md). */
export { ExternalGuards, externalBlockedError } from './external-guards.js';
export { ExternalGuardrailSpecSchema, ExternalGuardrailsSpecSchema, type ExternalGuardrailSpec, type JudgeGuardrailSpec, type WebhookGuardrailSpec } from './external-spec.js';
export { judgedText } from './judge.js';
export type { ExternalGuardrail, ExternalSubject, ExternalVerdict, GatewayChat } from './types.js';
export { webhookSignature } from './webhook.js';
