/**
 * Retention purges are recorded in the ledger itself (an `admin_action` record by the system actor
 * `daca-retention`, written before the payloads go), so verification can tell a payload removed by
 * policy from one removed by hand: only parts a notice covers may be missing.
 */
import type { Kysely } from 'kysely';
import type { AuditEntry } from './audit-types.js';
import type { LedgerTables } from './ledger-tables.js';
import { int } from './ledger-rows.js';

/** Which part of the payload a purge removes. */
export type PayloadPart = 'inputs' | 'body';

/** A purge as recorded in the ledger. */
export interface PurgeNotice {
  /** Sequence number of the notice record. */
  seq: number;
  part: PayloadPart;
  class: string;
  /** Records stamped before this time (ms) are purged. */
  cutoffTs: number;
  fromSeq: number;
  toSeq: number;
}

/** The actor that signs retention notices. */
export const RETENTION_ACTOR = { kind: 'system', id: 'daca-retention' } as const;

/** The ledger entry that announces a purge. */
export function purgeNoticeEntry(n: Omit<PurgeNotice, 'seq'> & { tenant?: string }): AuditEntry {
  return {
    kind: 'admin_action', tenant: n.tenant ?? '*', actor: { ...RETENTION_ACTOR }, class: 'admin',
    decision: { action: 'recorded', summary: `retention purge of ${n.part} payloads of class ${n.class} older than ${new Date(n.cutoffTs).toISOString()}` },
    detail: { action: 'retention_purge', part: n.part, class: n.class, cutoff_ts: n.cutoffTs, from_seq: n.fromSeq, to_seq: n.toSeq },
  };
}

/** Every purge notice in the ledger. */
export async function loadPurges(db: Kysely<LedgerTables>): Promise<PurgeNotice[]> {
  const rows = await db
    .selectFrom('audit_records as r')
    .innerJoin('audit_payloads as p', 'p.seq', 'r.seq')
    .select(['r.seq', 'p.body'])
    .where('r.kind', '=', 'admin_action')
    .where('r.actor_kind', '=', RETENTION_ACTOR.kind)
    .where('r.actor_id', '=', RETENTION_ACTOR.id)
    .execute();
  const out: PurgeNotice[] = [];
  for (const r of rows) {
    try {
      const d = (JSON.parse(r.body ?? 'null') as { detail?: Record<string, unknown> } | null)?.detail;
      if (d?.action !== 'retention_purge') continue;
      out.push({ seq: int(r.seq), part: d.part as PayloadPart, class: String(d.class), cutoffTs: Number(d.cutoff_ts), fromSeq: Number(d.from_seq), toSeq: Number(d.to_seq) });
    } catch {
      /* a malformed body fails its hash check in verification */
    }
  }
  return out;
}

/** True when some notice written after record `seq` covers its missing `part`. */
export function purgeCovers(purges: readonly PurgeNotice[], part: PayloadPart, cls: string, seq: number, ts: number): boolean {
  return purges.some((p) => p.part === part && (part === 'inputs' || p.class === cls) && p.seq > seq && seq >= p.fromSeq && seq <= p.toSeq && ts < p.cutoffTs);
}
