/**
 * The Store: daca's one persistence interface. Implementations (`sqlite/`, `postgres/`) share the
 * same Kysely migrations and queries; only the dialect differs.
 */
import type { Kysely } from 'kysely';
import type { UsageRecord } from '../metering/usage-record.js';
import type { StoreDatabase } from './db-schema.js';
import type { Role } from '../identity/roles.js';

/** What a key may do on `/api/*` (every key reaches `/v1/*`); see docs/access-control.md. */
export type KeyRole = Role;

/** A stored virtual key. The secret itself is never stored: only its SHA-256 hash. */
export interface KeyRow {
  id: string;
  /** Hex SHA-256 of the secret. */
  hash: string;
  /** First characters of the secret, shown in listings (e.g. `dk-3fA9…`). */
  prefix: string;
  name: string | null;
  /** The key's tenant; `*` (ALL_TENANTS in identity/roles.ts) for a global key that sees every tenant. */
  tenant: string;
  team: string;
  /** Bound agent; null means the key may claim any agent via attribution headers. */
  agent: string | null;
  role: KeyRole;
  /** Allowed models/aliases; null means all. */
  models: string[] | null;
  createdAt: number;
  revokedAt: number | null;
  /** `spec` for keys declared in daca.yaml, `api` for keys created at run time. */
  source: 'spec' | 'api';
  /** Who created it (`key:<id>`), for keys created through the API. */
  createdBy?: string | null;
}

/** Filter for listing keys. */
export interface KeyFilter {
  tenant?: string;
  team?: string;
  agent?: string;
  includeRevoked?: boolean;
}

/** Virtual keys. */
export interface KeyRepo {
  /** Inserts a key; throws `ConflictError` if the id or hash exists. */
  create(row: KeyRow): Promise<void>;
  /** Inserts or replaces a spec-declared key by id (used when the spec is loaded). */
  upsert(row: KeyRow): Promise<void>;
  findByHash(hash: string): Promise<KeyRow | undefined>;
  get(id: string): Promise<KeyRow | undefined>;
  list(filter?: KeyFilter): Promise<KeyRow[]>;
  /** Marks the key revoked; returns false when no such key. */
  revoke(id: string, at: number): Promise<boolean>;
  /** Changes a live key's role; returns false when no such live key. */
  setRole(id: string, role: KeyRole): Promise<boolean>;
}

/** A usage group-by dimension. `day` is `YYYY-MM-DD`, `month` `YYYY-MM` (UTC); `tag:<name>` groups by the value of one tag. */
export type UsageGroupBy = 'agent' | 'team' | 'tenant' | 'model' | 'provider' | 'key' | 'day' | 'month' | 'session' | `tag:${string}`;

/** A usage query. Times are ms since the epoch, `from` inclusive, `to` exclusive. */
export interface UsageQuery {
  groupBy: UsageGroupBy[];
  from?: number;
  to?: number;
  tenant?: string;
  team?: string;
  agent?: string;
  model?: string;
  /** Only rows whose tags contain all of these pairs. */
  tags?: Record<string, string>;
  limit?: number;
}

/** Aggregates over a set of usage rows. */
export interface UsageTotals {
  requests: number;
  /** Rows with an HTTP status >= 400 or an `errorCode` (a stream that failed after a 200). */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costMicros: number;
  /** Rows answered from daca's cache. */
  cacheHits: number;
  /** What those hits saved, micro-dollars. */
  savedByCacheMicros: number;
  /** Rows whose model a routing policy chose (`fixed`, `cascade`, `router`, `budget`, `goal`). */
  routed: number;
  /** What routing saved against the requested models, micro-dollars (escalations subtract). */
  savedByRoutingMicros: number;
  /** Mean latency in ms (0 when there are no rows). */
  avgLatencyMs: number;
  /** Mean TTFT over rows that have one (null when none). */
  avgTtftMs: number | null;
}

/** One group of a usage query: the group's key values plus its totals. */
export interface UsageGroup extends UsageTotals {
  /** One value per `groupBy` dimension, in order, keyed by the dimension name. */
  key: Record<string, string | null>;
}

/** The answer to a usage query. */
export interface UsageReport {
  groupBy: UsageGroupBy[];
  groups: UsageGroup[];
  totals: UsageTotals;
}

/** Usage events. */
export interface UsageRepo {
  /** Inserts rows; rows whose id already exists are ignored (idempotent). Returns rows inserted. */
  insertBatch(rows: readonly UsageRecord[]): Promise<number>;
  query(q: UsageQuery): Promise<UsageReport>;
  /** One row by request id (for explanations and tests). */
  get(id: string): Promise<UsageRecord | undefined>;
  /** Rows matching a filter, newest first (for exports and sessions). */
  list(q: Omit<UsageQuery, 'groupBy'> & { session?: string }): Promise<UsageRecord[]>;
}

/** The whole store. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * The Kysely handle, for domain repositories that live in their own folders (feedback, alerts,
   * budgets, audit, …). They declare their tables with `store.db.withTables<MyTables>()` and add a
   * numbered migration to `src/store/migrations/`. Write dialect-neutral queries, or branch on `kind`.
   */
  readonly db: Kysely<StoreDatabase>;
  readonly keys: KeyRepo;
  readonly usage: UsageRepo;
  /** Runs pending migrations (idempotent; safe from several nodes at once on PostgreSQL). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
