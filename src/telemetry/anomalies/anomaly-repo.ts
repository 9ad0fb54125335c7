/**
 * Stored anomalies (`anomalies` table, migration 002): one row per episode of an agent departing
 * from its peers on one metric, from detection until it resolves.
 */
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';
import type { Anomaly, AnomalyEvidence, AnomalyMetric } from './types.js';

/** The `anomalies` table. */
export interface AnomaliesTable {
  id: string;
  tenant: string;
  team: string;
  agent: string;
  peer_group: string;
  metric: string;
  rule: string;
  value: number;
  peer_median: number;
  ratio: number | null;
  robust_z: number | null;
  detected_at: number;
  last_seen_at: number;
  resolved_at: number | null;
  /** JSON of {@link AnomalyEvidence}. */
  evidence: string;
}

/** Anomaly storage over the store's Kysely handle. */
export class AnomalyRepo {
  private readonly db: Kysely<StoreDatabase & { anomalies: AnomaliesTable }>;

  constructor(store: Pick<Store, 'db'>) {
    this.db = store.db.withTables<{ anomalies: AnomaliesTable }>();
  }

  /** Inserts a new anomaly. */
  async insert(a: Anomaly): Promise<void> {
    await this.db.insertInto('anomalies').values(toRow(a)).execute();
  }

  /** Updates an active anomaly's latest value and evidence. */
  async touch(a: Anomaly): Promise<void> {
    const r = toRow(a);
    await this.db
      .updateTable('anomalies')
      .set({ value: r.value, peer_median: r.peer_median, ratio: r.ratio, robust_z: r.robust_z, last_seen_at: r.last_seen_at, evidence: r.evidence, rule: r.rule })
      .where('id', '=', a.id)
      .execute();
  }

  /** Marks an anomaly resolved. */
  async resolve(id: string, at: number): Promise<void> {
    await this.db.updateTable('anomalies').set({ resolved_at: at }).where('id', '=', id).execute();
  }

  /** Anomalies still active (not resolved). */
  async active(): Promise<Anomaly[]> {
    const rows = await this.db.selectFrom('anomalies').selectAll().where('resolved_at', 'is', null).execute();
    return rows.map(fromRow);
  }

  /** Anomalies seen at or after `from` (active ones included), newest first. */
  async list(opts: { from?: number; agent?: string; tenant?: string; limit?: number } = {}): Promise<Anomaly[]> {
    let q = this.db.selectFrom('anomalies').selectAll();
    if (opts.tenant !== undefined) q = q.where('tenant', '=', opts.tenant);
    if (opts.from !== undefined) q = q.where((eb) => eb.or([eb('last_seen_at', '>=', opts.from!), eb('resolved_at', 'is', null)]));
    if (opts.agent !== undefined) q = q.where('agent', '=', opts.agent);
    const rows = await q.orderBy('detected_at', 'desc').orderBy('id').limit(Math.min(10_000, opts.limit ?? 1000)).execute();
    return rows.map(fromRow);
  }
}

function toRow(a: Anomaly): AnomaliesTable {
  return {
    id: a.id, tenant: a.tenant, team: a.team, agent: a.agent, peer_group: a.peer_group, metric: a.metric, rule: a.rule,
    value: a.value, peer_median: a.peer_median, ratio: a.ratio, robust_z: a.robust_z,
    detected_at: Date.parse(a.detected_at), last_seen_at: Date.parse(a.last_seen_at),
    resolved_at: a.resolved_at === null ? null : Date.parse(a.resolved_at), evidence: JSON.stringify(a.evidence),
  };
}

function fromRow(r: AnomaliesTable): Anomaly {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  const resolved = num(r.resolved_at);
  return {
    id: r.id, agent: r.agent, team: r.team, tenant: r.tenant, peer_group: r.peer_group, metric: r.metric as AnomalyMetric,
    value: Number(r.value), peer_median: Number(r.peer_median), ratio: num(r.ratio), robust_z: num(r.robust_z), rule: r.rule,
    detected_at: new Date(Number(r.detected_at)).toISOString(), last_seen_at: new Date(Number(r.last_seen_at)).toISOString(),
    resolved_at: resolved === null ? null : new Date(resolved).toISOString(), active: resolved === null,
    evidence: JSON.parse(r.evidence) as AnomalyEvidence,
  };
}
