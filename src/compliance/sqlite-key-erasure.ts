/**
 * Destroying a data subject's keys on SQLite so that no copy of their bytes is left in the file.
 *
 * Setting `wrapped` to null under `PRAGMA secure_delete` zeroes only the freed part of the row's
 * live cell. Older copies of the cell can sit in the unallocated gap of other pages of the key
 * table: when a B-tree page splits (the root leaf becoming an interior page, or a leaf handing cells
 * to a new sibling) SQLite moves the cells but does not clear the space they left, and the audit
 * writer inserts keys on a connection without `secure_delete`. Whether the gap still holds a given
 * key depends on page size and insertion order (with 16 KiB pages the first ~60 subjects' keys stay
 * in the root page after its first split). So the erasure also rewrites the whole key table under
 * `secure_delete`: a `DELETE` without `WHERE` clears every page of the table and its indexes (zeroed,
 * root included), and the surviving rows, already without the erased keys, go back onto zeroed
 * pages. The caller then checkpoints and truncates the WAL, which held the old page images.
 * Cost: one copy of the key table (one short row per subject) per erasure.
 */
import { sql, type Kysely } from 'kysely';
import { writeTransaction } from '../store/write-transaction.js';
import type { LedgerTables } from './ledger-tables.js';

const COLS = sql.raw('kid, subject_ref, wrapped, created_at, erased_at');

/**
 * Nulls every live key of subject `ref` and rewrites `audit_subject_keys` onto zeroed pages, in one
 * write transaction on the store's connection `db`. Returns how many keys were destroyed.
 */
export async function eraseSubjectKeysSqlite(db: Kysely<LedgerTables>, ref: string, now: number): Promise<number> {
  // secure_delete is per connection: set on the one that frees the pages.
  await sql`PRAGMA secure_delete = ON`.execute(db);
  try {
    return await writeTransaction({ kind: 'sqlite', db }, async (tx) => {
      const r = await tx.updateTable('audit_subject_keys').set({ wrapped: null, erased_at: now }).where('subject_ref', '=', ref).where('wrapped', 'is not', null).executeTakeFirst();
      const destroyed = Number(r.numUpdatedRows);
      if (destroyed > 0) {
        await sql`DROP TABLE IF EXISTS temp.daca_kept_subject_keys`.execute(tx);
        await sql`CREATE TEMP TABLE daca_kept_subject_keys AS SELECT ${COLS} FROM audit_subject_keys`.execute(tx);
        await sql`DELETE FROM audit_subject_keys`.execute(tx);
        await sql`INSERT INTO audit_subject_keys (${COLS}) SELECT ${COLS} FROM temp.daca_kept_subject_keys ORDER BY rowid`.execute(tx);
        await sql`DROP TABLE temp.daca_kept_subject_keys`.execute(tx);
      }
      return destroyed;
    });
  } finally {
    await sql`PRAGMA secure_delete = OFF`.execute(db);
  }
}
