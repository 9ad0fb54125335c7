/**
 * Migration 010: why each request went where it went, and what that saved. Adds to `usage_events`
 * the routing policy that decided the model (`none`, `fixed`, `cascade`, `router`, `budget`,
 * `cache`; null on rows written before this migration), the decision's reason in words, and the
 * micro-dollars saved by a cache hit and by routing against the requested model.
 * One `ALTER TABLE … ADD COLUMN` per column (SQLite accepts only one per statement).
 */
import type { Kysely } from 'kysely';

/** Adds the routing and saving columns to `usage_events`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('usage_events').addColumn('routing_policy', 'text').execute();
  await db.schema.alterTable('usage_events').addColumn('routing_reason', 'text').execute();
  await db.schema.alterTable('usage_events').addColumn('saved_cache_micros', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('usage_events').addColumn('saved_routing_micros', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

/** Drops the columns again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of ['saved_routing_micros', 'saved_cache_micros', 'routing_reason', 'routing_policy']) await db.schema.alterTable('usage_events').dropColumn(c).execute();
}
