/**
 * The registry on the Store (SQLite or PostgreSQL): one row per instance, its JSON and expiry.
 * The table is created on first use (`mesh_instances`), so the registry needs no migration
 * number of its own.
 */
import { sql } from 'kysely';
import type { Store } from '../../store/types.js';
import type { AgentInstance } from './types.js';
import { ViewRegistry, type ViewRegistryOptions } from './view-registry.js';

type MeshTables = {
  mesh_instances: { instance_id: string; agent: string; tenant: string; data: string; expires_at: number };
};

/**
 * Instances in the Store; every node reads the same table.
 * @example
 * ```ts
 * const registry = await StoreRegistry.open(store, { ttlMs: 6000, refreshMs: 1000 });
 * await registry.register(instance);
 * registry.list({ skill: 'quote' });
 * ```
 */
export class StoreRegistry extends ViewRegistry {
  readonly kind = 'store';
  private readonly db;

  private constructor(store: Store, opts: ViewRegistryOptions) {
    super(opts);
    this.db = store.db.withTables<MeshTables>();
  }

  /** Opens (and creates when missing) the registry table, and loads the current view. */
  static async open(store: Store, opts: ViewRegistryOptions): Promise<StoreRegistry> {
    const r = new StoreRegistry(store, opts);
    await r.db.schema
      .createTable('mesh_instances')
      .ifNotExists()
      .addColumn('instance_id', 'varchar(512)', (c) => c.primaryKey())
      .addColumn('agent', 'varchar(128)', (c) => c.notNull())
      .addColumn('tenant', 'varchar(128)', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await r.refresh();
    return r;
  }

  protected async put(i: AgentInstance): Promise<void> {
    const row = { instance_id: i.instanceId, agent: i.agent, tenant: i.tenant, data: JSON.stringify(i), expires_at: i.expiresAt };
    await this.db
      .insertInto('mesh_instances')
      .values(row)
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ agent: row.agent, tenant: row.tenant, data: row.data, expires_at: row.expires_at }))
      .execute();
  }

  protected async remove(instanceId: string): Promise<void> {
    await this.db.deleteFrom('mesh_instances').where('instance_id', '=', instanceId).execute();
  }

  protected async readAll(): Promise<AgentInstance[]> {
    const now = this.now();
    // expired rows are swept by whoever reads; a lapsed instance never comes back by itself
    await this.db.deleteFrom('mesh_instances').where('expires_at', '<', now - this.ttlMs).execute();
    const rows = await this.db.selectFrom('mesh_instances').select(['data']).where('expires_at', '>', sql<number>`${now}`).execute();
    return rows.map((r) => JSON.parse(r.data) as AgentInstance);
  }
}
