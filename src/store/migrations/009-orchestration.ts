/**
 * Migration 009: orchestration — the marketplace's durable facts (`orch_accounts`: money and
 * goods per account; `orch_needs`: the need book; `orch_deals`: one contract per need;
 * `orch_settlements`: one settlement per deal, its primary key the idempotency key) and the
 * contract-net pattern's contracts (`orch_contracts`). Dialect-neutral column types only (JSON as
 * text, ms timestamps and micro-dollars as bigint).
 */
import type { Kysely } from 'kysely';

/** Creates the orchestration tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orch_accounts')
    .ifNotExists()
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('orch_accounts_pk', ['market', 'account', 'asset'])
    .execute();

  await db.schema
    .createTable('orch_needs')
    .ifNotExists()
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('buyer', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('limit_micros', 'bigint', (c) => c.notNull())
    .addColumn('posted_at', 'bigint', (c) => c.notNull())
    .addColumn('deadline', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addPrimaryKeyConstraint('orch_needs_pk', ['market', 'id'])
    .execute();
  await db.schema.createIndex('orch_needs_status_idx').ifNotExists().on('orch_needs').columns(['market', 'status']).execute();

  await db.schema
    .createTable('orch_deals')
    .ifNotExists()
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('buyer', 'text', (c) => c.notNull())
    .addColumn('seller', 'text', (c) => c.notNull())
    .addColumn('mediator', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('amount_micros', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('approval_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('orch_deals_pk', ['market', 'id'])
    .execute();
  await db.schema.createIndex('orch_deals_status_idx').ifNotExists().on('orch_deals').columns(['market', 'status']).execute();

  await db.schema
    .createTable('orch_settlements')
    .ifNotExists()
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('deal_id', 'text', (c) => c.notNull())
    .addColumn('buyer', 'text', (c) => c.notNull())
    .addColumn('seller', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('amount_micros', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('orch_settlements_pk', ['market', 'deal_id'])
    .execute();

  await db.schema
    .createTable('orch_contracts')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('contractor', 'text', (c) => c.notNull())
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('deadline', 'bigint', (c) => c.notNull())
    .addColumn('penalty_micros', 'bigint', (c) => c.notNull())
    .addColumn('history', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orch_contracts_status_idx').ifNotExists().on('orch_contracts').columns(['status', 'deadline']).execute();
}

/** Drops the orchestration tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['orch_contracts', 'orch_settlements', 'orch_deals', 'orch_needs', 'orch_accounts']) await db.schema.dropTable(t).ifExists().execute();
}
