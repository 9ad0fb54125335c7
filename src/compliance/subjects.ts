/**
 * Data subjects' rights. `eraseSubject()` destroys every key of a subject (the ciphertext stays in
 * the ledger, which still verifies, but can never be read again), audits the erasure under the
 * subject's pseudonymous reference, and on SQLite rewrites the key table onto zeroed pages
 * (`secure_delete`, see sqlite-key-erasure.ts) and truncates the WAL so the key is gone from the files. `exportSubject()` returns everything
 * readable about a subject (access requests).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { AuditActor, AuditRecord } from './audit-types.js';
import type { AuditLedger } from './audit-ledger.js';
import { JOINED_COLUMNS, recordOfRow, type JoinedRow } from './ledger-rows.js';
import { revealPersonal } from './ledger-query.js';
import { eraseSubjectKeysSqlite } from './sqlite-key-erasure.js';
import { subjectRef } from './subject-crypto.js';

/** What an erasure did. */
export interface ErasureResult {
  subjectRef: string;
  keysDestroyed: number;
  /** Records whose personal data is now unreadable. */
  records: number;
}

/**
 * Erases a data subject.
 * @example
 * ```ts
 * await eraseSubject(ledger, 'alice@example.com', { kind: 'human', id: 'dpo@acme' });
 * ```
 */
export async function eraseSubject(ledger: AuditLedger, subjectId: string, actor: AuditActor, now: number = Date.now()): Promise<ErasureResult> {
  const ref = subjectRef(ledger.master, subjectId);
  await ledger.flush();
  const db = ledger.db;
  const sqlite = ledger.store.kind === 'sqlite';
  let destroyed: number;
  if (sqlite) destroyed = await eraseSubjectKeysSqlite(db, ref, now);
  else {
    const r = await db.updateTable('audit_subject_keys').set({ wrapped: null, erased_at: now }).where('subject_ref', '=', ref).where('wrapped', 'is not', null).executeTakeFirst();
    destroyed = Number(r.numUpdatedRows);
  }
  ledger.forgetSubjectKeys([ref]);
  const counted = await db.selectFrom('audit_records').select((eb) => eb.fn.countAll().as('n')).where('subject_ref', '=', ref).executeTakeFirst();
  const records = Number(counted?.n ?? 0);
  await ledger.appendAndWait({ kind: 'admin_action', tenant: '*', actor, class: 'admin', detail: { action: 'subject_erased', subject_ref: ref, keys_destroyed: destroyed, records } });
  if (sqlite) await truncateWal(ledger);
  else await sql`VACUUM FULL audit_subject_keys`.execute(ledger.store.db).catch(() => undefined);
  return { subjectRef: ref, keysDestroyed: destroyed, records };
}

/** Checkpoints the WAL into the database file and truncates it (retrying while readers hold it). */
async function truncateWal(ledger: AuditLedger): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(ledger.store.db);
    if (!r.rows[0]?.busy) return;
    await sleep(20);
  }
}

/** Everything readable about a data subject. */
export interface SubjectExport {
  subjectRef: string;
  /** True when every key of the subject was destroyed. */
  erased: boolean;
  records: AuditRecord[];
}

/** Exports a data subject's records with their personal data decrypted where still possible. */
export async function exportSubject(ledger: AuditLedger, subjectId: string): Promise<SubjectExport> {
  const ref = subjectRef(ledger.master, subjectId);
  await ledger.flush();
  const rows = (await ledger.db
    .selectFrom('audit_records as r')
    .leftJoin('audit_payloads as p', 'p.seq', 'r.seq')
    .select(JOINED_COLUMNS)
    .where('r.subject_ref', '=', ref)
    .orderBy('r.seq')
    .execute()) as JoinedRow[];
  const records = await revealPersonal(ledger.db, ledger.master, rows.map(recordOfRow));
  const keys = await ledger.db.selectFrom('audit_subject_keys').select(['wrapped']).where('subject_ref', '=', ref).execute();
  return { subjectRef: ref, erased: keys.length > 0 && keys.every((k) => k.wrapped === null), records };
}
