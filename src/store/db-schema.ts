/**
 * Kysely table types for the store's tables, shared by the SQLite and PostgreSQL implementations.
 * Columns are snake_case; booleans are stored as 0/1 integers and JSON as text so that the same
 * migrations run on both engines.
 */

/** The `keys` table. */
export interface KeysTable {
  id: string;
  hash: string;
  prefix: string;
  name: string | null;
  tenant: string;
  team: string;
  agent: string | null;
  role: string;
  /** JSON array of model names, or null for all models. */
  models: string | null;
  created_at: number;
  revoked_at: number | null;
  source: string;
  /** Who created the key (migration 011). */
  created_by?: string | null;
}

/** The `usage_events` table: one row per metered request (see `UsageRecord`). */
export interface UsageEventsTable {
  id: string;
  ts: number;
  tenant: string;
  team: string;
  agent: string;
  key_id: string;
  session: string | null;
  /** JSON object of tag name to value. */
  tags: string;
  route: string;
  requested_model: string;
  model: string;
  provider: string;
  upstream_model: string;
  /** 0 or 1. */
  stream: number;
  status: number;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  /** 0 or 1. */
  estimated: number;
  ttft_ms: number | null;
  latency_ms: number;
  upstream_ms: number;
  overhead_ms: number;
  cost_micros: number;
  finish_reason: string | null;
  cache: string;
  /** The routing policy that decided the model (`none`, `fixed`, `cascade`, `router`, `budget`, `goal`, `cache`); null on older rows. */
  routing_policy: string | null;
  /** The routing decision's reason, in words. */
  routing_reason: string | null;
  /** Saved by a cache hit: the stored answer's upstream cost, micro-dollars. */
  saved_cache_micros: number;
  /** Saved by routing: the answer priced at the requested model minus what was paid (negative after costly escalations). */
  saved_routing_micros: number;
}

/** The database as Kysely sees it. */
export interface StoreDatabase {
  keys: KeysTable;
  usage_events: UsageEventsTable;
}

/** Column names of `usage_events` in insertion order (used by bulk inserts). */
export const USAGE_COLUMNS = [
  'id', 'ts', 'tenant', 'team', 'agent', 'key_id', 'session', 'tags', 'route', 'requested_model', 'model',
  'provider', 'upstream_model', 'stream', 'status', 'error_code', 'input_tokens', 'output_tokens',
  'cached_tokens', 'estimated', 'ttft_ms', 'latency_ms', 'upstream_ms', 'overhead_ms', 'cost_micros',
  'finish_reason', 'cache', 'routing_policy', 'routing_reason', 'saved_cache_micros', 'saved_routing_micros',
] as const satisfies readonly (keyof UsageEventsTable)[];
