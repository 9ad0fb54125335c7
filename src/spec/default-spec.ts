/**
 * The embedded default spec: what `daca up` runs with no `daca.yaml`. Everything is offline (the
 * built-in `sim` provider), priced like the real models it stands in for, so cost, budgets and
 * cascades behave realistically out of the box.
 */
import { parseSpecText, type LoadedSpec } from './loader.js';

/** The embedded default `daca.yaml`. */
export const DEFAULT_SPEC_YAML = `# daca embedded default spec: offline simulated models, one tenant, one team.
version: 1

providers:
  sim:
    kind: sim

models:
  sim-small:
    provider: sim
    type: chat
    capability: 0.6
    context_window: 128000
    max_output_tokens: 16384
    # priced like gpt-4o-mini
    price: { input: 0.15, output: 0.60, cached_input: 0.075 }
  sim-large:
    provider: sim
    type: chat
    capability: 0.9
    context_window: 128000
    max_output_tokens: 16384
    # priced like gpt-4o
    price: { input: 2.50, output: 10.00, cached_input: 1.25 }
  sim-embed:
    provider: sim
    type: embedding
    dimensions: 256
    context_window: 8191
    # priced like text-embedding-3-small
    price: { input: 0.02, output: 0 }

aliases:
  small: sim-small
  large: sim-large
  default: sim-small

tenants:
  default:
    name: Default tenant

teams:
  default:
    tenant: default
    name: Default team

agents:
  # A prompt agent to call right after \`daca up\` (A2A at /a2a/assistant/). Not durable: it runs
  # in-process through the gateway, so the embedded default does not start Restate.
  assistant:
    team: default
    role: assistant
    description: A general assistant that answers questions, summarises text and drafts messages.
    prompt:
      model: small
      system: You are a helpful, concise assistant.

# No keys: a development key is created and printed at start-up.
keys: {}

# Content guardrails on input and output with the default policy: prompt injection, jailbreaks,
# system-prompt extraction and toxic content are blocked; PII and secrets are redacted.
guardrails:
  policy: {}
`;

/** Label used as `source` of the embedded default. */
export const DEFAULT_SPEC_SOURCE = '(embedded default)';

let cached: LoadedSpec | undefined;

/**
 * The embedded default spec, parsed and validated (once; the result is frozen and shared).
 *
 * @example
 * ```ts
 * const { spec } = loadDefaultSpec();
 * spec.aliases.small; // 'sim-small'
 * ```
 */
export function loadDefaultSpec(): LoadedSpec {
  cached ??= parseSpecText(DEFAULT_SPEC_YAML, DEFAULT_SPEC_SOURCE, {});
  return cached;
}
