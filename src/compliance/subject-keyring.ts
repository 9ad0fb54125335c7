/**
 * The main-thread cache of data subjects' keys. Before a batch is prepared, `resolve()` loads the
 * active key of every subject in it (one query) and makes new keys for subjects that have none;
 * the new keys travel with the batch and are inserted in the batch's own transaction, so a key
 * exists in the store exactly when records encrypted under it do.
 */
import type { Kysely } from 'kysely';
import type { LedgerTables } from './ledger-tables.js';
import { newSubjectKey, unwrapSubjectKey, wrapSubjectKey, type SubjectKey } from './subject-crypto.js';

/** A subject key to insert with a batch. */
export interface NewSubjectKeyRow {
  kid: string;
  subjectRef: string;
  wrapped: string;
  createdAt: number;
}

/** Caches subject keys; see the module comment. */
export class SubjectKeyring {
  private readonly keys = new Map<string, SubjectKey>();

  constructor(
    private readonly db: Kysely<LedgerTables>,
    private readonly master: Buffer,
  ) {}

  /** The cached key of a subject reference (after {@link resolve}). */
  get(ref: string): SubjectKey | undefined {
    return this.keys.get(ref);
  }

  /** Makes sure every ref has a key; returns the keys that were created and must be stored. */
  async resolve(refs: Iterable<string>, now: number): Promise<NewSubjectKeyRow[]> {
    const missing = [...new Set(refs)].filter((r) => !this.keys.has(r));
    if (missing.length === 0) return [];
    const found = new Set<string>();
    for (let i = 0; i < missing.length; i += 500) {
      const rows = await this.db
        .selectFrom('audit_subject_keys')
        .select(['kid', 'subject_ref', 'wrapped'])
        .where('subject_ref', 'in', missing.slice(i, i + 500))
        .where('wrapped', 'is not', null)
        .execute();
      for (const r of rows) {
        if (found.has(r.subject_ref) || !r.wrapped) continue;
        this.keys.set(r.subject_ref, unwrapSubjectKey(this.master, r.kid, r.wrapped));
        found.add(r.subject_ref);
      }
    }
    const created: NewSubjectKeyRow[] = [];
    for (const ref of missing) {
      if (found.has(ref)) continue;
      const k = newSubjectKey();
      this.keys.set(ref, k);
      created.push({ kid: k.kid, subjectRef: ref, wrapped: wrapSubjectKey(this.master, k), createdAt: now });
    }
    return created;
  }

  /** Forgets keys (after erasure, or when the batch that created them failed). */
  forget(refs: Iterable<string>): void {
    for (const r of refs) this.keys.delete(r);
  }
}
