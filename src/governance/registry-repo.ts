/**
 * The model registry's storage: versions, aliases per scope, and the alias history (which version
 * each scope used, when). SQLite and PostgreSQL alike, through the store's Kysely handle.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../store/db-schema.js';
import type { Store } from '../store/types.js';
import type { GovernanceTables, ModelVersionsTable } from './tables.js';
import type { AliasChange, ModelAlias, ModelVersion, VersionStatus } from './types.js';

let seq = 0;

/** A new id that sorts by creation within this process: `<prefix>_` + time, a counter and random hex. */
export function newId(prefix: string, at: number = Date.now()): string {
  seq = (seq + 1) % 1_679_616;
  return `${prefix}_${Math.max(0, Math.floor(at)).toString(36).padStart(9, '0')}${seq.toString(36).padStart(4, '0')}${randomBytes(5).toString('hex')}`;
}

function versionOf(r: ModelVersionsTable): ModelVersion {
  return {
    id: r.id, model: r.model, provider: r.provider, upstream: r.upstream, params: JSON.parse(r.params) as ModelVersion['params'],
    promptVersion: r.prompt_version, status: r.status as VersionStatus, evalRuns: JSON.parse(r.eval_runs) as string[],
    description: r.description, source: r.source === 'spec' ? 'spec' : 'api', createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

/** Versions, aliases and alias history. */
export class RegistryRepo {
  private readonly db: Kysely<StoreDatabase & GovernanceTables>;

  constructor(store: Pick<Store, 'db'>) {
    this.db = store.db.withTables<GovernanceTables>();
  }

  /** Inserts or replaces a version. */
  async putVersion(v: ModelVersion): Promise<void> {
    const row: ModelVersionsTable = {
      id: v.id, model: v.model, provider: v.provider, upstream: v.upstream, params: JSON.stringify(v.params), prompt_version: v.promptVersion,
      status: v.status, eval_runs: JSON.stringify(v.evalRuns), description: v.description, source: v.source, created_at: v.createdAt, updated_at: v.updatedAt,
    };
    const { id: _id, created_at: _c, ...rest } = row;
    await this.db.insertInto('model_versions').values(row).onConflict((oc) => oc.column('id').doUpdateSet(rest)).execute();
  }

  /** One version, or undefined. */
  async getVersion(id: string): Promise<ModelVersion | undefined> {
    const r = await this.db.selectFrom('model_versions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? versionOf(r) : undefined;
  }

  /** Every version, oldest first. */
  async listVersions(): Promise<ModelVersion[]> {
    return (await this.db.selectFrom('model_versions').selectAll().orderBy('created_at').orderBy('id').execute()).map(versionOf);
  }

  /** Sets a version's status. */
  async setStatus(id: string, status: VersionStatus, at: number): Promise<void> {
    await this.db.updateTable('model_versions').set({ status, updated_at: at }).where('id', '=', id).execute();
  }

  /** Every alias (optionally of one scope). */
  async listAliases(scope?: string): Promise<ModelAlias[]> {
    let q = this.db.selectFrom('model_aliases').selectAll();
    if (scope !== undefined) q = q.where('scope', '=', scope);
    const rows = await q.orderBy('scope').orderBy('name').execute();
    return rows.map((r) => ({ scope: r.scope, name: r.name, version: r.version, updatedAt: Number(r.updated_at) }));
  }

  /** The version an alias points at, or undefined. */
  async aliasTarget(scope: string, name: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('model_aliases').select('version').where('scope', '=', scope).where('name', '=', name).executeTakeFirst();
    return r?.version;
  }

  /** Points an alias at a version (recording the change in the history); returns the previous target. */
  async setAlias(change: Omit<AliasChange, 'id' | 'previous'>): Promise<string | null> {
    return this.db.transaction().execute(async (tx) => {
      const prev = await tx.selectFrom('model_aliases').select('version').where('scope', '=', change.scope).where('name', '=', change.name).executeTakeFirst();
      await tx
        .insertInto('model_aliases')
        .values({ scope: change.scope, name: change.name, version: change.version, updated_at: change.ts })
        .onConflict((oc) => oc.columns(['scope', 'name']).doUpdateSet({ version: change.version, updated_at: change.ts }))
        .execute();
      await tx
        .insertInto('model_alias_history')
        .values({
          id: newId('mah', change.ts), ts: change.ts, scope: change.scope, name: change.name, version: change.version, previous: prev?.version ?? null,
          rollout_id: change.rolloutId, actor: change.actor, reason: change.reason,
        })
        .execute();
      return prev?.version ?? null;
    });
  }

  /** Removes an alias (recorded in the history as version ''). */
  async deleteAlias(scope: string, name: string, ts: number, actor: string, reason: string, rolloutId: string | null = null): Promise<boolean> {
    const prev = await this.aliasTarget(scope, name);
    if (prev === undefined) return false;
    await this.db.deleteFrom('model_aliases').where('scope', '=', scope).where('name', '=', name).execute();
    await this.db.insertInto('model_alias_history').values({ id: newId('mah', ts), ts, scope, name, version: '', previous: prev, rollout_id: rolloutId, actor, reason }).execute();
    return true;
  }

  /** Alias changes, oldest first (optionally of one scope, up to a time). */
  async history(q: { scope?: string; name?: string; to?: number } = {}): Promise<AliasChange[]> {
    let sel = this.db.selectFrom('model_alias_history').selectAll();
    if (q.scope !== undefined) sel = sel.where('scope', '=', q.scope);
    if (q.name !== undefined) sel = sel.where('name', '=', q.name);
    if (q.to !== undefined) sel = sel.where('ts', '<=', q.to);
    const rows = await sel.orderBy('ts').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id, ts: Number(r.ts), scope: r.scope, name: r.name, version: r.version, previous: r.previous, rolloutId: r.rollout_id, actor: r.actor, reason: r.reason,
    }));
  }
}
