/**
 * External A2A agents registered through the API (`POST /api/mesh/agents`), kept in the Store
 * (`mesh_registrations`, migration 012) so that an acknowledged registration survives restarts:
 * every node that shares the store reads them and keeps them registered in the mesh registry.
 * One row per (name, url); re-registering the same pair replaces the row. Headers are stored
 * sealed (see {@link HeaderSeal}), bound to the registration's URL.
 */
import type { Store } from '../../store/types.js';
import type { SealedHeaders } from '../security/sealed-headers.js';

/** One registration as stored. */
export interface MeshRegistration {
  name: string;
  /** The URL it was registered at (the card is fetched relative to it). */
  url: string;
  tenant: string;
  cardPath: string;
  /** Its hop headers, sealed for `url`; null when it has none. */
  headers: SealedHeaders | null;
  createdAt: number;
  /** Who registered it (`key:<id>`), when known. */
  createdBy: string | null;
}

interface RegistrationsTable {
  name: string;
  url: string;
  tenant: string;
  card_path: string;
  /** JSON of {@link SealedHeaders}, or null. */
  headers: string | null;
  created_at: number;
  created_by: string | null;
}

/**
 * The API's mesh registrations in the Store.
 * @example
 * ```ts
 * const regs = new MeshRegistrations(store);
 * await regs.put({ name: 'partner', url: 'http://partner:9000', tenant: 'default', cardPath: '/.well-known/agent-card.json', headers: null, createdAt: Date.now(), createdBy: 'key:admin' });
 * await regs.list(); // [{ name: 'partner', … }]
 * ```
 */
export class MeshRegistrations {
  private readonly db;

  constructor(store: Pick<Store, 'db'>) {
    this.db = store.db.withTables<{ mesh_registrations: RegistrationsTable }>();
  }

  /** Inserts the registration, or replaces the one with the same name and URL. */
  async put(r: MeshRegistration): Promise<void> {
    const row: RegistrationsTable = {
      name: r.name, url: r.url, tenant: r.tenant, card_path: r.cardPath, headers: r.headers ? JSON.stringify(r.headers) : null, created_at: r.createdAt, created_by: r.createdBy,
    };
    await this.db
      .insertInto('mesh_registrations')
      .values(row)
      .onConflict((oc) => oc.columns(['name', 'url']).doUpdateSet({ tenant: row.tenant, card_path: row.card_path, headers: row.headers, created_at: row.created_at, created_by: row.created_by }))
      .execute();
  }

  /** Every registration, oldest first. */
  async list(): Promise<MeshRegistration[]> {
    const rows = await this.db.selectFrom('mesh_registrations').selectAll().orderBy('created_at').orderBy('name').orderBy('url').execute();
    return rows.map(fromRow);
  }

  /**
   * Removes the registrations of `name` (only the one at `url` when given; only those of `tenant`
   * when given) and returns what it removed.
   */
  async remove(name: string, only: { url?: string; tenant?: string } = {}): Promise<MeshRegistration[]> {
    let q = this.db.selectFrom('mesh_registrations').selectAll().where('name', '=', name);
    if (only.url !== undefined) q = q.where('url', '=', only.url);
    if (only.tenant !== undefined) q = q.where('tenant', '=', only.tenant);
    const rows = (await q.execute()).map(fromRow);
    for (const r of rows) await this.db.deleteFrom('mesh_registrations').where('name', '=', r.name).where('url', '=', r.url).execute();
    return rows;
  }
}

function fromRow(r: RegistrationsTable): MeshRegistration {
  return {
    name: r.name, url: r.url, tenant: r.tenant, cardPath: r.card_path, headers: r.headers ? (JSON.parse(r.headers) as SealedHeaders) : null,
    createdAt: Number(r.created_at), createdBy: r.created_by,
  };
}
