/**
 * Migration 011: access control. Keys get `created_by` (who created them), and keys created
 * before roles existed keep what they could do: an `admin` key used to see every tenant, so it
 * becomes global (tenant `*`). Roles are plain text, so the new roles need no schema change.
 */
import { sql, type Kysely } from 'kysely';

/** Adds `keys.created_by` and an index by role; makes existing admin keys global. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('keys').addColumn('created_by', 'text').execute();
  await db.schema.createIndex('keys_role_idx').ifNotExists().on('keys').column('role').execute();
  await sql`UPDATE keys SET tenant = '*' WHERE role = 'admin' AND source = 'api'`.execute(db);
}

/** Drops the column and the index. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('keys_role_idx').ifExists().execute();
  await db.schema.alterTable('keys').dropColumn('created_by').execute();
}
