/**
 * The keys a spec declares (`keys:`), kept in the store as rows `spec:<id>` so their secrets come
 * from the environment: written at start-up and on every live apply (added and changed keys are
 * upserted, removed ones revoked), with an undo for an apply that fails after writing them.
 */
import { hashKeySecret, keyDisplayPrefix } from '../identity/key-secret.js';
import { ALL_TENANTS } from '../identity/roles.js';
import type { KeyRow, Store } from '../store/types.js';
import type { Spec } from '../spec/schema.js';

/** The store rows of a spec's keys (created now, never revoked). */
export function specKeyRows(spec: Spec, now = Date.now()): KeyRow[] {
  return Object.entries(spec.keys).map(([id, k]) => {
    const agent = k.agent ?? null;
    const team = k.team ?? (agent ? spec.agents[agent]?.team : undefined) ?? 'default';
    // A non-agent key declared without tenant, team or agent is global (sees every tenant).
    const global = k.role !== 'agent' && !k.tenant && !k.team && !agent;
    const tenant = global ? ALL_TENANTS : (k.tenant ?? spec.teams[team]?.tenant ?? 'default');
    return {
      id: `spec:${id}`, hash: hashKeySecret(k.value), prefix: keyDisplayPrefix(k.value), name: id,
      tenant, team, agent, role: k.role, models: k.models ?? null, createdAt: now, revokedAt: null, source: 'spec',
    };
  });
}

/** Upserts every key of `spec` (start-up). */
export async function upsertSpecKeys(store: Store, spec: Spec): Promise<void> {
  for (const row of specKeyRows(spec)) await store.keys.upsert(row);
}

/** What {@link applySpecKeys} changed, to tell the key ring and to undo. */
export interface SpecKeyChange {
  /** Key ids (`spec:<id>`) whose rows changed; their cached principals must be forgotten. */
  touched: string[];
  /** Hashes of new secrets (cached negative answers must be forgotten). */
  hashes: string[];
  /** Restores the rows as they were before (best effort). */
  undo(): Promise<void>;
}

/**
 * Moves the store's spec keys from `from` to `to`: upserts added and changed keys, revokes removed
 * ones. @throws when a write fails (e.g. two keys with one secret); the rows written so far are restored first.
 */
export async function applySpecKeys(store: Store, from: Spec, to: Spec, now = Date.now()): Promise<SpecKeyChange> {
  const before = new Map(specKeyRows(from, now).map((r) => [r.id, r]));
  const after = new Map(specKeyRows(to, now).map((r) => [r.id, r]));
  const same = (a: KeyRow, b: KeyRow): boolean => JSON.stringify({ ...a, createdAt: 0 }) === JSON.stringify({ ...b, createdAt: 0 });
  const done: { id: string; old: KeyRow | undefined }[] = [];
  const undo = async (): Promise<void> => {
    for (const d of done.reverse()) {
      if (d.old) await store.keys.upsert(d.old).catch(() => {});
      else await store.keys.revoke(d.id, now).catch(() => {});
    }
  };
  try {
    for (const [id, row] of after) {
      const old = before.get(id);
      if (old && same(old, row)) continue;
      done.push({ id, old });
      await store.keys.upsert(row);
    }
    for (const [id, old] of before) {
      if (after.has(id)) continue;
      done.push({ id, old });
      await store.keys.revoke(id, now);
    }
  } catch (e) {
    await undo();
    throw e;
  }
  return { touched: done.map((d) => d.id), hashes: done.map((d) => after.get(d.id)?.hash).filter((h): h is string => !!h), undo };
}
