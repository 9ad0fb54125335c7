/**
 * Shared types of the deterministic content guardrails.
 *
 * A guardrail scan turns a text (or a conversation) into a {@link Verdict}: the findings of every
 * detector, the action the policy asks for, and the redacted text when something was masked.
 */

/** Which way a text travels: `input` to the model, `output` from it. */
export type Direction = 'input' | 'output';

/** What a finding is about; each category has its own action in the policy. */
export type FindingCategory =
  | 'prompt_injection'
  | 'jailbreak'
  | 'system_prompt_extraction'
  | 'toxic'
  | 'pii'
  | 'secret'
  | 'topic'
  | 'regex'
  | 'size';

/** The kinds of personal data and secrets the detectors name. */
export type EntityKind =
  | 'email'
  | 'phone'
  | 'card'
  | 'iban'
  | 'national_id'
  | 'ip'
  | 'api_key'
  | 'private_key'
  | 'jwt'
  | 'url_password'
  | 'password';

/** What the policy does with a category's findings. */
export type GuardrailAction = 'block' | 'redact' | 'log' | 'off';

/** One thing a detector found, located in the scanned text (UTF-16 offsets, `end` exclusive). */
export interface Finding {
  /** Detector name, e.g. `pii.card`, `attack.injection`. */
  guardrail: string;
  category: FindingCategory;
  /** The entity kind for PII and secrets. */
  entity?: EntityKind;
  start: number;
  end: number;
  /** The matched text (for attacks: the strongest matched phrase, possibly from a decoded payload). */
  text: string;
  /** Confidence; attacks carry their summed signal score (block at ≥ 1). */
  score: number;
  /** Why, in words a caller can read. */
  reason: string;
}

/** The outcome of a scan. */
export interface Verdict {
  action: 'allow' | 'redact' | 'block';
  findings: Finding[];
  /** The text with every redacted finding replaced by a typed placeholder such as `[EMAIL_1]`. */
  redacted?: string;
  /** Placeholder → original, present only when the policy allows reversible redaction. */
  mapping?: Record<string, string>;
  /** The finding that decided a block. */
  blockedBy?: { guardrail: string; reason: string };
}
