/**
 * The price table shipped with daca: list prices in USD per 1M tokens of current models, keyed by
 * the provider's canonical model id (without date suffix). A spec's `models.<name>.price` overrides
 * it. Keep it sorted by vendor; update `as_of` when you touch a price.
 *
 * Conventions: `cached_input` is the prompt-cache read price, `cache_write` the (5-minute) cache
 * write price where the vendor charges one; tiered prices (Gemini) use the lower tier. Hosted open
 * models use Together AI's serverless list price unless the vendor has its own API.
 */

/** One row of the shipped price table. */
export interface PriceTableEntry {
  /** Who sells it at this price. */
  vendor: 'openai' | 'anthropic' | 'google' | 'mistral' | 'deepseek' | 'together';
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
  /** USD per 1M cached input tokens (prompt-cache read). */
  cached_input?: number;
  /** USD per 1M tokens written to the prompt cache. */
  cache_write?: number;
  /** Other ids the same model is known by (hosts, routers, short names); matched after normalisation. */
  aliases?: readonly string[];
  /** Where the price was read. */
  source: string;
  /** Month the price was checked, `YYYY-MM`. */
  as_of: string;
  /** Caveats (tiers, host differences). */
  note?: string;
}

const OPENAI = 'https://openai.com/api/pricing';
const ANTHROPIC = 'https://www.anthropic.com/pricing#api';
const GOOGLE = 'https://ai.google.dev/gemini-api/docs/pricing';
const MISTRAL = 'https://mistral.ai/pricing#api-pricing';
const DEEPSEEK = 'https://api-docs.deepseek.com/quick_start/pricing';
const TOGETHER = 'https://www.together.ai/pricing';

/** The shipped table, keyed by canonical model id (lower case). */
export const PRICE_TABLE: Readonly<Record<string, PriceTableEntry>> = {
  // ── OpenAI ────────────────────────────────────────────────────────────────
  'gpt-5': { vendor: 'openai', input: 1.25, output: 10, cached_input: 0.125, aliases: ['gpt-5-chat', 'gpt-5-chat-latest'], source: OPENAI, as_of: '2025-08' },
  'gpt-5-mini': { vendor: 'openai', input: 0.25, output: 2, cached_input: 0.025, source: OPENAI, as_of: '2025-08' },
  'gpt-5-nano': { vendor: 'openai', input: 0.05, output: 0.4, cached_input: 0.005, source: OPENAI, as_of: '2025-08' },
  'gpt-4.1': { vendor: 'openai', input: 2, output: 8, cached_input: 0.5, source: OPENAI, as_of: '2025-08' },
  'gpt-4.1-mini': { vendor: 'openai', input: 0.4, output: 1.6, cached_input: 0.1, source: OPENAI, as_of: '2025-08' },
  'gpt-4.1-nano': { vendor: 'openai', input: 0.1, output: 0.4, cached_input: 0.025, source: OPENAI, as_of: '2025-08' },
  'gpt-4o': { vendor: 'openai', input: 2.5, output: 10, cached_input: 1.25, aliases: ['chatgpt-4o-latest'], source: OPENAI, as_of: '2025-08' },
  'gpt-4o-2024-05-13': { vendor: 'openai', input: 5, output: 15, source: OPENAI, as_of: '2025-08', note: 'the first gpt-4o snapshot kept its launch price' },
  'gpt-4o-mini': { vendor: 'openai', input: 0.15, output: 0.6, cached_input: 0.075, source: OPENAI, as_of: '2025-08' },
  'gpt-4-turbo': { vendor: 'openai', input: 10, output: 30, aliases: ['gpt-4-turbo-preview', 'gpt-4-1106-preview', 'gpt-4-0125-preview'], source: OPENAI, as_of: '2025-08' },
  'gpt-4': { vendor: 'openai', input: 30, output: 60, source: OPENAI, as_of: '2025-08' },
  'gpt-3.5-turbo': { vendor: 'openai', input: 0.5, output: 1.5, source: OPENAI, as_of: '2025-08' },
  o1: { vendor: 'openai', input: 15, output: 60, cached_input: 7.5, source: OPENAI, as_of: '2025-08', note: 'o1-preview had the same price' },
  'o1-mini': { vendor: 'openai', input: 1.1, output: 4.4, cached_input: 0.55, source: OPENAI, as_of: '2025-08' },
  'o1-pro': { vendor: 'openai', input: 150, output: 600, source: OPENAI, as_of: '2025-08' },
  o3: { vendor: 'openai', input: 2, output: 8, cached_input: 0.5, source: OPENAI, as_of: '2025-08', note: 'after the June 2025 price cut' },
  'o3-pro': { vendor: 'openai', input: 20, output: 80, source: OPENAI, as_of: '2025-08' },
  'o3-mini': { vendor: 'openai', input: 1.1, output: 4.4, cached_input: 0.55, source: OPENAI, as_of: '2025-08' },
  'o4-mini': { vendor: 'openai', input: 1.1, output: 4.4, cached_input: 0.275, source: OPENAI, as_of: '2025-08' },
  'text-embedding-3-small': { vendor: 'openai', input: 0.02, output: 0, source: OPENAI, as_of: '2025-08' },
  'text-embedding-3-large': { vendor: 'openai', input: 0.13, output: 0, source: OPENAI, as_of: '2025-08' },
  'text-embedding-ada-002': { vendor: 'openai', input: 0.1, output: 0, source: OPENAI, as_of: '2025-08' },

  // ── Anthropic (cache write = 5-minute TTL write, 1.25× input; cache read 0.1× input) ───────────
  'claude-opus-4-5': { vendor: 'anthropic', input: 5, output: 25, cached_input: 0.5, cache_write: 6.25, aliases: ['claude-opus-4.5'], source: ANTHROPIC, as_of: '2025-11' },
  'claude-opus-4-1': { vendor: 'anthropic', input: 15, output: 75, cached_input: 1.5, cache_write: 18.75, aliases: ['claude-opus-4.1'], source: ANTHROPIC, as_of: '2025-08' },
  'claude-opus-4': { vendor: 'anthropic', input: 15, output: 75, cached_input: 1.5, cache_write: 18.75, aliases: ['claude-opus-4-0', 'claude-4-opus'], source: ANTHROPIC, as_of: '2025-08' },
  'claude-sonnet-4-5': { vendor: 'anthropic', input: 3, output: 15, cached_input: 0.3, cache_write: 3.75, aliases: ['claude-sonnet-4.5'], source: ANTHROPIC, as_of: '2025-10', note: 'prompts over 200k tokens cost more' },
  'claude-sonnet-4': { vendor: 'anthropic', input: 3, output: 15, cached_input: 0.3, cache_write: 3.75, aliases: ['claude-sonnet-4-0', 'claude-4-sonnet'], source: ANTHROPIC, as_of: '2025-08', note: 'prompts over 200k tokens (1M beta) cost more' },
  'claude-3-7-sonnet': { vendor: 'anthropic', input: 3, output: 15, cached_input: 0.3, cache_write: 3.75, aliases: ['claude-3.7-sonnet'], source: ANTHROPIC, as_of: '2025-08' },
  'claude-3-5-sonnet': { vendor: 'anthropic', input: 3, output: 15, cached_input: 0.3, cache_write: 3.75, aliases: ['claude-3.5-sonnet'], source: ANTHROPIC, as_of: '2025-08' },
  'claude-haiku-4-5': { vendor: 'anthropic', input: 1, output: 5, cached_input: 0.1, cache_write: 1.25, aliases: ['claude-haiku-4.5'], source: ANTHROPIC, as_of: '2025-10' },
  'claude-3-5-haiku': { vendor: 'anthropic', input: 0.8, output: 4, cached_input: 0.08, cache_write: 1, aliases: ['claude-3.5-haiku'], source: ANTHROPIC, as_of: '2025-08' },
  'claude-3-haiku': { vendor: 'anthropic', input: 0.25, output: 1.25, cached_input: 0.03, cache_write: 0.3, source: ANTHROPIC, as_of: '2025-08' },
  'claude-3-opus': { vendor: 'anthropic', input: 15, output: 75, cached_input: 1.5, cache_write: 18.75, source: ANTHROPIC, as_of: '2025-08' },

  // ── Google Gemini (paid tier; lower tier of tiered prices) ───────────────────────────────────
  'gemini-2.5-pro': { vendor: 'google', input: 1.25, output: 10, cached_input: 0.31, source: GOOGLE, as_of: '2025-08', note: 'prompts over 200k tokens: $2.50 in / $15 out' },
  'gemini-2.5-flash': { vendor: 'google', input: 0.3, output: 2.5, cached_input: 0.075, source: GOOGLE, as_of: '2025-08', note: 'text/image/video input; audio input costs more' },
  'gemini-2.5-flash-lite': { vendor: 'google', input: 0.1, output: 0.4, cached_input: 0.025, source: GOOGLE, as_of: '2025-08' },
  'gemini-2.0-flash': { vendor: 'google', input: 0.1, output: 0.4, cached_input: 0.025, source: GOOGLE, as_of: '2025-08' },
  'gemini-2.0-flash-lite': { vendor: 'google', input: 0.075, output: 0.3, source: GOOGLE, as_of: '2025-08' },
  'gemini-1.5-pro': { vendor: 'google', input: 1.25, output: 5, cached_input: 0.3125, source: GOOGLE, as_of: '2025-05', note: 'prompts over 128k tokens: $2.50 in / $10 out' },
  'gemini-1.5-flash': { vendor: 'google', input: 0.075, output: 0.3, cached_input: 0.01875, source: GOOGLE, as_of: '2025-05', note: 'prompts over 128k tokens cost double' },
  'gemini-1.5-flash-8b': { vendor: 'google', input: 0.0375, output: 0.15, cached_input: 0.01, source: GOOGLE, as_of: '2025-05', note: 'prompts over 128k tokens cost double' },

  // ── Mistral ────────────────────────────────────────────────────────────────
  'mistral-large': { vendor: 'mistral', input: 2, output: 6, source: MISTRAL, as_of: '2025-08' },
  'mistral-medium': { vendor: 'mistral', input: 0.4, output: 2, source: MISTRAL, as_of: '2025-08', note: 'Mistral Medium 3' },
  'mistral-small': { vendor: 'mistral', input: 0.1, output: 0.3, source: MISTRAL, as_of: '2025-08', note: 'Mistral Small 3.x' },
  codestral: { vendor: 'mistral', input: 0.3, output: 0.9, source: MISTRAL, as_of: '2025-08' },
  'ministral-8b': { vendor: 'mistral', input: 0.1, output: 0.1, source: MISTRAL, as_of: '2025-08' },
  'ministral-3b': { vendor: 'mistral', input: 0.04, output: 0.04, source: MISTRAL, as_of: '2025-08' },
  'open-mistral-nemo': { vendor: 'mistral', input: 0.15, output: 0.15, aliases: ['mistral-nemo'], source: MISTRAL, as_of: '2025-08' },
  'mistral-embed': { vendor: 'mistral', input: 0.1, output: 0, source: MISTRAL, as_of: '2025-08' },

  // ── DeepSeek (own API; off-peak discounts not modelled) ─────────────────────────────────────
  'deepseek-chat': { vendor: 'deepseek', input: 0.27, output: 1.1, cached_input: 0.07, aliases: ['deepseek-v3', 'deepseek-v3-0324'], source: DEEPSEEK, as_of: '2025-06', note: 'DeepSeek-V3; other hosts charge differently' },
  'deepseek-reasoner': { vendor: 'deepseek', input: 0.55, output: 2.19, cached_input: 0.14, aliases: ['deepseek-r1', 'deepseek-r1-0528'], source: DEEPSEEK, as_of: '2025-06', note: 'DeepSeek-R1; other hosts charge differently' },

  // ── Open models on Together AI (serverless list price; other hosts differ) ────────────────────
  'llama-3.1-8b-instruct': {
    vendor: 'together', input: 0.18, output: 0.18,
    aliases: ['meta-llama-3.1-8b-instruct', 'meta-llama-3.1-8b-instruct-turbo', 'llama-3.1-8b-instant', 'llama-v3p1-8b-instruct', 'llama3.1-8b', 'llama-3-8b-instruct', 'meta-llama-3-8b-instruct', 'llama3-8b-8192'],
    source: TOGETHER, as_of: '2025-08',
  },
  'llama-3.1-70b-instruct': {
    vendor: 'together', input: 0.88, output: 0.88,
    aliases: ['meta-llama-3.1-70b-instruct', 'meta-llama-3.1-70b-instruct-turbo', 'llama-v3p1-70b-instruct', 'llama3.1-70b', 'llama-3-70b-instruct', 'meta-llama-3-70b-instruct', 'llama3-70b-8192'],
    source: TOGETHER, as_of: '2025-08',
  },
  'llama-3.3-70b-instruct': {
    vendor: 'together', input: 0.88, output: 0.88,
    aliases: ['meta-llama-3.3-70b-instruct', 'llama-3.3-70b-instruct-turbo', 'llama-3.3-70b-versatile', 'llama-v3p3-70b-instruct', 'llama3.3-70b'],
    source: TOGETHER, as_of: '2025-08',
  },
  'llama-3.1-405b-instruct': {
    vendor: 'together', input: 3.5, output: 3.5,
    aliases: ['meta-llama-3.1-405b-instruct', 'meta-llama-3.1-405b-instruct-turbo', 'llama-v3p1-405b-instruct', 'llama3.1-405b'],
    source: TOGETHER, as_of: '2025-08',
  },
  'llama-3.2-3b-instruct': { vendor: 'together', input: 0.06, output: 0.06, aliases: ['llama-3.2-3b-instruct-turbo', 'llama3.2-3b'], source: TOGETHER, as_of: '2025-08' },
  'qwen2.5-72b-instruct': { vendor: 'together', input: 1.2, output: 1.2, aliases: ['qwen2.5-72b-instruct-turbo', 'qwen-2.5-72b-instruct'], source: TOGETHER, as_of: '2025-08' },
  'qwen2.5-7b-instruct': { vendor: 'together', input: 0.3, output: 0.3, aliases: ['qwen2.5-7b-instruct-turbo', 'qwen-2.5-7b-instruct'], source: TOGETHER, as_of: '2025-08' },
  'qwen2.5-coder-32b-instruct': { vendor: 'together', input: 0.8, output: 0.8, aliases: ['qwen-2.5-coder-32b-instruct'], source: TOGETHER, as_of: '2025-08' },
};
