/**
 * The bulk usage insert on a raw better-sqlite3 handle: one prepared statement, one transaction.
 * Shared by the in-thread path and the writer worker.
 */
import type Database from 'better-sqlite3';
import type { UsageRecord } from '../../metering/usage-record.js';
import { USAGE_COLUMNS } from '../db-schema.js';
import { usageToValues } from '../rows.js';

const INSERT_SQL =
  `INSERT INTO usage_events (${USAGE_COLUMNS.join(',')}) VALUES (${USAGE_COLUMNS.map(() => '?').join(',')}) ` +
  'ON CONFLICT(id) DO NOTHING';

/** Prepares the insert (the table must exist) and returns a function inserting a batch; rows already present are skipped. */
export function prepareUsageInsert(handle: Database.Database): (rows: readonly UsageRecord[]) => number {
  const stmt = handle.prepare(INSERT_SQL);
  return handle.transaction((rows: readonly UsageRecord[]): number => {
    let inserted = 0;
    for (let i = 0; i < rows.length; i++) inserted += stmt.run(usageToValues(rows[i]!)).changes;
    return inserted;
  });
}
