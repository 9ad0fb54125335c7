/**
 * Deterministic content guardrails: prompt injection, jailbreak, system-prompt extraction and
 * toxic content detection; PII and secret redaction; topic/regex deny lists and size limits;
 * conversation and streaming scanners; JSON output validation.
 */
export type { Direction, EntityKind, Finding, FindingCategory, GuardrailAction, Verdict } from './types.js';
export { ALL_ENTITIES, DEFAULT_POLICY, definePolicy, type GuardrailPolicy } from './policy.js';
export { compilePolicy, scanText, type ScanOptions } from './scan.js';
export { scanMessages, type MessagePieceVerdict, type MessagesScan } from './messages.js';
export { createStreamScanner, type StreamScanner, type StreamScannerOptions, type StreamStep } from './stream.js';
export { validateJsonOutput, type JsonSchema, type JsonType, type JsonValidation } from './json-schema.js';
export { RedactionState, restoreRedactions } from './redaction.js';
