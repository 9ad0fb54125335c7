/**
 * Data subjects' keys where the audit worker encrypts: looked up inside the batch's write
 * transaction, so a record committed after an erasure never uses the erased key (the erasure's
 * `wrapped = NULL` is visible under the lock), even when another process erased it. Unwrapped keys
 * are cached by subject while their key id is still the active one; keys of per-record subjects
 * (`record:<id>`) are made fresh, never looked up and never cached. New keys are inserted by the
 * batch's own transaction and cached only once it commits.
 */
import type Database from 'better-sqlite3';
import { newSubjectKey, unwrapSubjectKey, wrapSubjectKey, type SubjectKey } from './subject-crypto.js';
import type { NewSubjectKeyRow } from './subject-keyring.js';

/** Subjects kept unwrapped in memory at most. */
const MAX_CACHED = 50_000;

/** What {@link SqliteSubjectKeys.resolveBegun} found or made for a batch. */
export interface ResolvedKeys {
  /** The key to encrypt under, by subject reference. */
  keys: Map<string, SubjectKey>;
  /** Keys made for this batch, to insert in its transaction. */
  created: NewSubjectKeyRow[];
}

/** The worker's subject keys on its own SQLite connection; see the module comment. */
export class SqliteSubjectKeys {
  private readonly cache = new Map<string, SubjectKey>();
  private readonly select: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly master: Buffer,
  ) {
    this.select = db.prepare('SELECT kid, subject_ref, wrapped FROM audit_subject_keys WHERE wrapped IS NOT NULL AND subject_ref IN (SELECT value FROM json_each(?))');
  }

  /**
   * Inside the batch's write transaction: the active key of every subject (`subjectId → ref`),
   * making keys for subjects that have none.
   */
  resolveBegun(subjects: ReadonlyMap<string, string>, now: number): ResolvedKeys {
    const keys = new Map<string, SubjectKey>();
    const created: NewSubjectKeyRow[] = [];
    const lookup: string[] = [];
    for (const [id, ref] of subjects) if (!id.startsWith('record:')) lookup.push(ref);
    if (lookup.length) {
      for (const r of this.select.iterate(JSON.stringify(lookup)) as Iterable<{ kid: string; subject_ref: string; wrapped: string }>) {
        const have = keys.get(r.subject_ref);
        if (have) continue;
        const cached = this.cache.get(r.subject_ref);
        keys.set(r.subject_ref, cached && cached.kid === r.kid ? cached : unwrapSubjectKey(this.master, r.kid, r.wrapped));
      }
    }
    for (const ref of subjects.values()) {
      if (keys.has(ref)) continue;
      const k = newSubjectKey();
      keys.set(ref, k);
      created.push({ kid: k.kid, subjectRef: ref, wrapped: wrapSubjectKey(this.master, k), createdAt: now });
    }
    return { keys, created };
  }

  /** The batch committed: remember its non-per-record subjects' keys; forget those no longer active. */
  committed(subjects: ReadonlyMap<string, string>, r: ResolvedKeys): void {
    for (const [id, ref] of subjects) {
      if (id.startsWith('record:')) continue;
      this.cache.delete(ref);
      this.cache.set(ref, r.keys.get(ref)!);
    }
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Drops subjects' keys from memory (after an erasure). */
  forget(refs: Iterable<string>): void {
    for (const ref of refs) this.cache.delete(ref);
  }
}
