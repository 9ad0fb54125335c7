/**
 * Migration 013: the declared double auctions' durable books. `orch_books` holds one row per book
 * whose `version` every write bumps (the row lock that serialises a book's writers across nodes,
 * and the number a node's cached book is checked against); `orch_book_orders` every accepted
 * order (`seq` = the book version that placed it, its time priority; `open_qty` what still rests);
 * `orch_book_trades` every trade, keyed by the version of the order that made it and its index.
 * Dialect-neutral column types only (ms timestamps and micro-dollars as bigint).
 */
import type { Kysely } from 'kysely';

/** Creates the book tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orch_books')
    .ifNotExists()
    .addColumn('book', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('orch_book_orders')
    .ifNotExists()
    .addColumn('book', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('trader', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('price_micros', 'bigint', (c) => c.notNull())
    .addColumn('qty', 'bigint', (c) => c.notNull())
    .addColumn('open_qty', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addPrimaryKeyConstraint('orch_book_orders_pk', ['book', 'id'])
    .execute();
  await db.schema.createIndex('orch_book_orders_open_idx').ifNotExists().on('orch_book_orders').columns(['book', 'status', 'seq']).execute();

  await db.schema
    .createTable('orch_book_trades')
    .ifNotExists()
    .addColumn('book', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('bid_id', 'text', (c) => c.notNull())
    .addColumn('ask_id', 'text', (c) => c.notNull())
    .addColumn('buyer', 'text', (c) => c.notNull())
    .addColumn('seller', 'text', (c) => c.notNull())
    .addColumn('price_micros', 'bigint', (c) => c.notNull())
    .addColumn('qty', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('orch_book_trades_pk', ['book', 'seq', 'n'])
    .execute();
}

/** Drops the book tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['orch_book_trades', 'orch_book_orders', 'orch_books']) await db.schema.dropTable(t).ifExists().execute();
}
