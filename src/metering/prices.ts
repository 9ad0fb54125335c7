/**
 * Price lookup in the shipped table, tolerant of the many spellings of one model id: provider or
 * host prefixes (`openai/gpt-4o`, `us.anthropic.claude-…`, `models/gemini-…`), snapshot suffixes
 * (`-2024-08-06`, `-20241022`, `-0613`, `-002`, `-latest`, `-v2:0`, `@20241022`, `-preview-05-20`).
 */
import type { PriceSpec } from '../spec/schema.js';
import { PRICE_TABLE, type PriceTableEntry } from './price-table.js';

/** A table entry with the id it was found under. */
export interface PriceMatch {
  /** The table's canonical id. */
  id: string;
  entry: PriceTableEntry;
  price: PriceSpec;
}

function toPrice(e: PriceTableEntry): PriceSpec {
  const p: PriceSpec = { input: e.input, output: e.output };
  if (e.cached_input !== undefined) p.cached_input = e.cached_input;
  if (e.cache_write !== undefined) p.cache_write = e.cache_write;
  return Object.freeze(p);
}

const INDEX = new Map<string, PriceMatch>();
for (const [id, entry] of Object.entries(PRICE_TABLE)) {
  const m: PriceMatch = Object.freeze({ id, entry, price: toPrice(entry) });
  INDEX.set(id, m);
  for (const a of entry.aliases ?? []) if (!INDEX.has(a)) INDEX.set(a, m);
}

// Tried in order; after each successful strip the table is consulted again, so the most specific
// id wins (`gpt-4o-2024-05-13` is an entry of its own, `gpt-4o-2024-08-06` falls back to `gpt-4o`).
const SUFFIXES: readonly RegExp[] = [
  /-v\d+(?::\d+)?$/, // bedrock `-v2:0`
  /-latest$/,
  /-\d{4}-\d{2}-\d{2}$/, // openai dated snapshot
  /-\d{8}$/, // anthropic dated snapshot
  /-(?:preview|exp)(?:-\d{2}-\d{2}|-\d{4})?$/, // gemini previews
  /-\d{3,4}$/, // `-0613`, `-2411`, `-002`
  /-(?:preview|instruct-turbo|turbo)$/,
];

/** Lower-cases and removes provider/host/region prefixes and `@version` tails. */
function normalise(id: string): string {
  let s = id.trim().toLowerCase();
  const slash = s.lastIndexOf('/');
  if (slash >= 0) s = s.slice(slash + 1);
  const at = s.indexOf('@');
  if (at > 0) s = s.slice(0, at);
  s = s.replace(/^(?:[a-z]{2,6}\.)?(?:anthropic|meta|mistral|deepseek|openai|google)\./, '');
  return s;
}

const cache = new Map<string, PriceMatch | null>();
const CACHE_LIMIT = 10_000;

/**
 * Finds the table entry for a provider model id, or undefined.
 *
 * @example
 * ```ts
 * lookupPriceMatch('anthropic.claude-3-5-sonnet-20241022-v2:0')?.id; // 'claude-3-5-sonnet'
 * ```
 */
export function lookupPriceMatch(upstreamModelId: string): PriceMatch | undefined {
  const hit = cache.get(upstreamModelId);
  if (hit !== undefined) return hit ?? undefined;
  const found = search(upstreamModelId);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(upstreamModelId, found ?? null);
  return found;
}

function search(raw: string): PriceMatch | undefined {
  const exact = INDEX.get(raw);
  if (exact) return exact;
  let s = normalise(raw);
  for (let changed = true; changed; ) {
    const m = INDEX.get(s);
    if (m) return m;
    changed = false;
    for (const re of SUFFIXES) {
      const next = s.replace(re, '');
      if (next !== s && next.length > 0) {
        s = next;
        changed = true;
        break;
      }
    }
  }
  return undefined;
}

/**
 * The shipped list price of a provider model id (USD per 1M tokens), or undefined when unknown.
 *
 * @example
 * ```ts
 * lookupPrice('gpt-4o-2024-08-06'); // { input: 2.5, output: 10, cached_input: 1.25 }
 * ```
 */
export function lookupPrice(upstreamModelId: string): PriceSpec | undefined {
  return lookupPriceMatch(upstreamModelId)?.price;
}
