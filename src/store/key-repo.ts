/**
 * The `KeyRepo` over Kysely, shared by SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';
import { ConflictError } from '../errors.js';
import type { StoreDatabase } from './db-schema.js';
import { keyToRow, rowToKey } from './rows.js';
import type { KeyFilter, KeyRepo, KeyRole, KeyRow } from './types.js';

/** Virtual keys stored in the `keys` table. */
export class KyselyKeyRepo implements KeyRepo {
  /**
   * @param db - the store's Kysely instance.
   * @param isUniqueViolation - engine-specific test for a unique-constraint error.
   */
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    private readonly isUniqueViolation: (e: unknown) => boolean,
  ) {}

  async create(row: KeyRow): Promise<void> {
    try {
      await this.db.insertInto('keys').values(keyToRow(row)).execute();
    } catch (e) {
      if (this.isUniqueViolation(e)) throw new ConflictError(`A key with id '${row.id}' or the same secret already exists.`, { cause: e });
      throw e;
    }
  }

  async upsert(row: KeyRow): Promise<void> {
    const { id: _id, ...rest } = keyToRow(row);
    try {
      await this.db
        .insertInto('keys')
        .values(keyToRow(row))
        .onConflict((oc) => oc.column('id').doUpdateSet(rest))
        .execute();
    } catch (e) {
      if (this.isUniqueViolation(e)) throw new ConflictError(`Another key already uses the secret of key '${row.id}'.`, { cause: e });
      throw e;
    }
  }

  async findByHash(hash: string): Promise<KeyRow | undefined> {
    const r = await this.db.selectFrom('keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return r === undefined ? undefined : rowToKey(r);
  }

  async get(id: string): Promise<KeyRow | undefined> {
    const r = await this.db.selectFrom('keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r === undefined ? undefined : rowToKey(r);
  }

  async list(filter: KeyFilter = {}): Promise<KeyRow[]> {
    let q = this.db.selectFrom('keys').selectAll();
    if (filter.tenant !== undefined) q = q.where('tenant', '=', filter.tenant);
    if (filter.team !== undefined) q = q.where('team', '=', filter.team);
    if (filter.agent !== undefined) q = q.where('agent', '=', filter.agent);
    if (!filter.includeRevoked) q = q.where('revoked_at', 'is', null);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(rowToKey);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    // An already revoked key keeps its first revocation time.
    const r = await this.db
      .updateTable('keys')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(at)) }))
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setRole(id: string, role: KeyRole): Promise<boolean> {
    const r = await this.db.updateTable('keys').set({ role }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
