/**
 * Migration 012: external A2A agents registered through the API (`POST /api/mesh/agents`), kept
 * so that a restart does not lose an acknowledged registration. One row per (name, url); the
 * registration's headers are sealed (never plain values at rest). Dialect-neutral column types.
 */
import type { Kysely } from 'kysely';

/** Creates `mesh_registrations`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mesh_registrations')
    .ifNotExists()
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('url', 'varchar(2048)', (c) => c.notNull())
    .addColumn('tenant', 'varchar(128)', (c) => c.notNull())
    .addColumn('card_path', 'text', (c) => c.notNull())
    .addColumn('headers', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addPrimaryKeyConstraint('mesh_registrations_pk', ['name', 'url'])
    .execute();
}

/** Drops `mesh_registrations`. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mesh_registrations').ifExists().execute();
}
