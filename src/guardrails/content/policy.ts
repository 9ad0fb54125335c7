import type { EntityKind, FindingCategory, GuardrailAction } from './types.js';

/**
 * A per-agent content guardrail policy.
 *
 * Every category has an action; `off` skips its detectors entirely (no cost). Topic and regex deny
 * lists are compiled once per policy object (see `compilePolicy`), so keep policies immutable and
 * reuse the same object for every call.
 */
export interface GuardrailPolicy {
  /** What to do with findings of each category. */
  actions: Readonly<Record<FindingCategory, GuardrailAction>>;
  /** The PII and secret entity kinds to look for; others are ignored. */
  entities: readonly EntityKind[];
  /** Denied topics: words or phrases, matched case- and accent-insensitively on word boundaries. */
  topics: readonly string[];
  /** Denied patterns: regular expression sources (flags `iu` are applied) or RegExp objects. */
  denyPatterns: readonly (string | RegExp)[];
  /** Longest accepted input, in UTF-16 code units; longer inputs get a `size` finding. */
  maxInputChars: number;
  /** When true, redaction verdicts carry the placeholder → original mapping. */
  reversibleRedaction: boolean;
  /** Score at which an attack (injection, jailbreak, extraction, toxic) counts; 1 by default. */
  attackThreshold: number;
  /** Threshold for untrusted content (tool results, documents); lower catches indirect injection. */
  untrustedAttackThreshold: number;
}

/** Every entity kind the detectors know. */
export const ALL_ENTITIES: readonly EntityKind[] = Object.freeze([
  'email', 'phone', 'card', 'iban', 'national_id', 'ip',
  'api_key', 'private_key', 'jwt', 'url_password', 'password',
] as const);

/**
 * The default policy (the one the benchmark uses): attacks block, PII and secrets are redacted
 * without a reversible mapping, no topic or regex deny lists, inputs up to 200,000 characters.
 *
 * @example
 * ```ts
 * const v = scanText('mail me at ana@example.com', 'input', DEFAULT_POLICY);
 * v.redacted; // 'mail me at [EMAIL_1]'
 * ```
 */
export const DEFAULT_POLICY: GuardrailPolicy = Object.freeze({
  actions: Object.freeze({
    prompt_injection: 'block',
    jailbreak: 'block',
    system_prompt_extraction: 'block',
    toxic: 'block',
    pii: 'redact',
    secret: 'redact',
    topic: 'block',
    regex: 'block',
    size: 'block',
  } satisfies Record<FindingCategory, GuardrailAction>),
  entities: ALL_ENTITIES,
  topics: Object.freeze([]) as readonly string[],
  denyPatterns: Object.freeze([]) as readonly (string | RegExp)[],
  maxInputChars: 200_000,
  reversibleRedaction: false,
  attackThreshold: 1,
  untrustedAttackThreshold: 0.7,
});

/**
 * Builds a policy from the default and a partial override (actions merge per category).
 *
 * @example
 * ```ts
 * const p = definePolicy({ actions: { pii: 'block' }, topics: ['competitor pricing'] });
 * ```
 */
export function definePolicy(
  override: Partial<Omit<GuardrailPolicy, 'actions'>> & { actions?: Partial<Record<FindingCategory, GuardrailAction>> } = {},
): GuardrailPolicy {
  return Object.freeze({
    ...DEFAULT_POLICY,
    ...override,
    actions: Object.freeze({ ...DEFAULT_POLICY.actions, ...(override.actions ?? {}) }),
  });
}
