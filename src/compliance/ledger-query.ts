/**
 * Reading the ledger: search by agent, session, request, trace, tenant, kind and time; one record
 * by id; the records of a request. Newest first; personal data stays encrypted unless a caller
 * decrypts it with {@link revealPersonal}.
 */
import type { Kysely } from 'kysely';
import { idAtOrAfter } from './audit-id.js';
import type { AuditKind, AuditRecord } from './audit-types.js';
import type { LedgerTables } from './ledger-tables.js';
import { JOINED_COLUMNS, recordOfRow, type JoinedRow } from './ledger-rows.js';
import { decryptPersonal, unwrapSubjectKey } from './subject-crypto.js';

/** A search over the ledger. Times are ms, `from` inclusive, `to` exclusive. */
export interface AuditSearch {
  tenant?: string;
  agent?: string;
  session?: string;
  requestId?: string;
  traceId?: string;
  kind?: AuditKind;
  from?: number;
  to?: number;
  /** Only records with a sequence number below this (for paging). */
  beforeSeq?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

function base(db: Kysely<LedgerTables>) {
  return db.selectFrom('audit_records as r').leftJoin('audit_payloads as p', 'p.seq', 'r.seq').select(JOINED_COLUMNS);
}

/**
 * Records matching a search, newest first.
 * @example
 * ```ts
 * await searchAudit(db, { agent: 'support-bot', from: Date.now() - 86_400_000 });
 * ```
 */
export async function searchAudit(db: Kysely<LedgerTables>, q: AuditSearch): Promise<AuditRecord[]> {
  let s = base(db);
  if (q.tenant !== undefined) s = s.where('r.tenant', '=', q.tenant);
  if (q.agent !== undefined) s = s.where('r.agent', '=', q.agent);
  if (q.session !== undefined) s = s.where('r.session', '=', q.session);
  if (q.requestId !== undefined) s = s.where('r.request_id', '=', q.requestId);
  if (q.traceId !== undefined) s = s.where('r.trace_id', '=', q.traceId);
  if (q.kind !== undefined) s = s.where('r.kind', '=', q.kind);
  if (q.from !== undefined) s = s.where('r.id', '>=', idAtOrAfter(q.from)).where('r.ts', '>=', q.from);
  if (q.to !== undefined) s = s.where('r.id', '<', idAtOrAfter(q.to)).where('r.ts', '<', q.to);
  if (q.beforeSeq !== undefined) s = s.where('r.seq', '<', q.beforeSeq);
  const rows = (await s.orderBy('r.seq', 'desc').limit(Math.min(1000, Math.max(1, q.limit ?? 100))).execute()) as JoinedRow[];
  return rows.map(recordOfRow);
}

/** One record by id or sequence number. */
export async function getAuditRecord(db: Kysely<LedgerTables>, idOrSeq: string): Promise<AuditRecord | undefined> {
  const q = /^\d+$/.test(idOrSeq) ? base(db).where('r.seq', '=', Number(idOrSeq)) : base(db).where('r.id', '=', idOrSeq);
  const row = (await q.executeTakeFirst()) as JoinedRow | undefined;
  return row ? recordOfRow(row) : undefined;
}

/** Records in a sequence range, ascending (exports). */
export async function recordsInRange(db: Kysely<LedgerTables>, q: { from?: number; to?: number; tenant?: string; afterSeq?: number; limit: number }): Promise<AuditRecord[]> {
  let s = base(db);
  if (q.tenant !== undefined) s = s.where('r.tenant', '=', q.tenant);
  if (q.from !== undefined) s = s.where('r.id', '>=', idAtOrAfter(q.from)).where('r.ts', '>=', q.from);
  if (q.to !== undefined) s = s.where('r.id', '<', idAtOrAfter(q.to)).where('r.ts', '<', q.to);
  if (q.afterSeq !== undefined) s = s.where('r.seq', '>', q.afterSeq);
  return ((await s.orderBy('r.seq').limit(q.limit).execute()) as JoinedRow[]).map(recordOfRow);
}

/**
 * Decrypts the personal part of records in place (`inputs.personalPlain`): the plaintext when the
 * subject's key still exists, `'erased'` when it was destroyed.
 */
export async function revealPersonal(db: Kysely<LedgerTables>, master: Buffer, records: AuditRecord[]): Promise<AuditRecord[]> {
  const kids = [...new Set(records.map((r) => r.inputs?.personal?.kid).filter((k): k is string => !!k))];
  if (kids.length === 0) return records;
  const keys = new Map<string, string | null>();
  for (let i = 0; i < kids.length; i += 500) {
    for (const k of await db.selectFrom('audit_subject_keys').select(['kid', 'wrapped']).where('kid', 'in', kids.slice(i, i + 500)).execute()) keys.set(k.kid, k.wrapped);
  }
  for (const r of records) {
    const env = r.inputs?.personal;
    if (!env || !r.inputs) continue;
    const wrapped = keys.get(env.kid);
    if (!wrapped) {
      r.inputs.personalPlain = 'erased';
      continue;
    }
    try {
      r.inputs.personalPlain = decryptPersonal(unwrapSubjectKey(master, env.kid, wrapped), r.id, env);
    } catch {
      r.inputs.personalPlain = 'erased';
    }
  }
  return records;
}
