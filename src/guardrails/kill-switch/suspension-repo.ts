/**
 * Stored suspensions (the `suspensions` table of migration 004), shared by every node.
 */
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';

/** What can be suspended. */
export const SUSPENSION_KINDS = ['key', 'agent', 'team', 'tenant'] as const;
/** A kind of principal that can be suspended. */
export type SuspensionKind = (typeof SUSPENSION_KINDS)[number];

/** A suspended key, agent, team or tenant. */
export interface Suspension {
  kind: SuspensionKind;
  subject: string;
  reason: string;
  /** Who suspended it (a key id or a name). */
  by: string;
  /** When, in ms since the epoch. */
  at: number;
}

/** The `suspensions` table. */
export interface SuspensionsTable {
  kind: string;
  subject: string;
  reason: string;
  created_by: string;
  created_at: number;
}

type Db = StoreDatabase & { suspensions: SuspensionsTable };

/** Suspensions in the store. */
export class SuspensionRepo {
  private readonly db: Kysely<Db>;

  constructor(store: Store) {
    this.db = store.db.withTables<{ suspensions: SuspensionsTable }>();
  }

  /** Stores (or replaces the reason of) a suspension. */
  async put(s: Suspension): Promise<void> {
    await this.db
      .insertInto('suspensions')
      .values({ kind: s.kind, subject: s.subject, reason: s.reason, created_by: s.by, created_at: s.at })
      .onConflict((oc) => oc.columns(['kind', 'subject']).doUpdateSet({ reason: s.reason, created_by: s.by, created_at: s.at }))
      .execute();
  }

  /** Removes a suspension; false when there was none. */
  async remove(kind: SuspensionKind, subject: string): Promise<boolean> {
    const r = await this.db.deleteFrom('suspensions').where('kind', '=', kind).where('subject', '=', subject).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Every suspension, oldest first. */
  async list(): Promise<Suspension[]> {
    const rows = await this.db.selectFrom('suspensions').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({ kind: r.kind as SuspensionKind, subject: r.subject, reason: r.reason, by: r.created_by, at: Number(r.created_at) }));
  }
}
