/**
 * Agent leases in the shared store: which node runs which agent of a group. A node renews the
 * leases it holds and claims free or expired ones, up to its fair share (agents ÷ live nodes), and
 * gives back the ones above its share; so agents spread over the nodes, and when a node dies (no
 * renewal for `leaseMs`) the others take its agents over. One conditional upsert per claim, so two
 * nodes never hold one lease at once (on PostgreSQL and on SQLite).
 */
import { sql, type Kysely } from 'kysely';

/** Options of {@link AgentLeases}. */
export interface AgentLeasesOptions {
  /** The group (e.g. a market id). */
  group: string;
  /** Agent names in the group. */
  agents: readonly string[];
  /** This node's id. */
  node: string;
  /** A lease not renewed for this long is free (default 3000 ms). */
  leaseMs?: number;
  now?: () => number;
}

type Db = Kysely<Record<string, never>>;
const ready = new WeakMap<object, Promise<void>>();

async function ensureTables(db: Db): Promise<void> {
  let p = ready.get(db);
  if (!p) {
    p = (async () => {
      await sql`create table if not exists ops_agent_leases (grp text not null, agent text not null, node text not null, expires_at bigint not null, primary key (grp, agent))`.execute(db);
      await sql`create table if not exists ops_group_nodes (grp text not null, node text not null, seen_at bigint not null, primary key (grp, node))`.execute(db);
    })();
    ready.set(db, p);
    p.catch(() => ready.delete(db));
  }
  return p;
}

/** See the module comment. */
export class AgentLeases {
  private readonly leaseMs: number;
  private readonly now: () => number;
  /** Agents this node holds after the last {@link tick}. */
  held = new Set<string>();

  constructor(private readonly db: Db, private readonly o: AgentLeasesOptions) {
    this.leaseMs = o.leaseMs ?? 3000;
    this.now = o.now ?? Date.now;
  }

  /** Nodes seen within the lease time (this one included). */
  async liveNodes(): Promise<string[]> {
    const r = await sql<{ node: string }>`select node from ops_group_nodes where grp = ${this.o.group} and seen_at > ${this.now() - this.leaseMs} order by node`.execute(this.db);
    return r.rows.map((x) => x.node);
  }

  /**
   * Heartbeats, renews held leases, gives back those above the fair share, claims free ones up to
   * it. Returns what changed. `release(agent)` is awaited before a lease is given back (stop the
   * agent first).
   */
  async tick(release: (agent: string) => Promise<void>): Promise<{ gained: string[]; lost: string[] }> {
    await ensureTables(this.db);
    const now = this.now();
    const { group: g, node } = this.o;
    await sql`insert into ops_group_nodes (grp, node, seen_at) values (${g}, ${node}, ${now}) on conflict (grp, node) do update set seen_at = excluded.seen_at`.execute(this.db);
    const live = Math.max(1, (await this.liveNodes()).length);
    const share = Math.ceil(this.o.agents.length / live);
    const rows = await sql<{ agent: string; node: string; expires_at: string | number }>`select agent, node, expires_at from ops_agent_leases where grp = ${g}`.execute(this.db);
    const owner = new Map(rows.rows.map((r) => [r.agent, { node: r.node, expires: Number(r.expires_at) }]));
    const mine = this.o.agents.filter((a) => owner.get(a)?.node === node && owner.get(a)!.expires > now);
    const lost: string[] = [];
    for (const a of [...this.held]) if (!mine.includes(a)) (this.held.delete(a), lost.push(a));
    // Above the share: give back the last ones (stopped first).
    while (mine.length > share) {
      const a = mine.pop()!;
      await release(a);
      this.held.delete(a);
      lost.push(a);
      await sql`delete from ops_agent_leases where grp = ${g} and agent = ${a} and node = ${node}`.execute(this.db);
    }
    const until = now + this.leaseMs;
    const keep: string[] = [];
    for (const a of mine) {
      const r = await sql`update ops_agent_leases set expires_at = ${until} where grp = ${g} and agent = ${a} and node = ${node}`.execute(this.db);
      if (Number(r.numAffectedRows ?? 0) === 1) keep.push(a);
      else if (this.held.delete(a)) lost.push(a);
    }
    const gained: string[] = [];
    let count = keep.length;
    for (const a of this.o.agents) {
      if (count >= share) break;
      const o = owner.get(a);
      if (o && o.expires > now) continue;
      const r = await sql`insert into ops_agent_leases (grp, agent, node, expires_at) values (${g}, ${a}, ${node}, ${until})
        on conflict (grp, agent) do update set node = excluded.node, expires_at = excluded.expires_at where ops_agent_leases.expires_at <= ${now}`.execute(this.db);
      if (Number(r.numAffectedRows ?? 0) === 1) {
        count++;
        if (!this.held.has(a)) gained.push(a);
      }
    }
    this.held = new Set([...keep, ...gained, ...[...this.held].filter((a) => keep.includes(a))]);
    return { gained, lost };
  }

  /** Gives back every lease of this node (on leave). */
  async releaseAll(): Promise<void> {
    await ensureTables(this.db);
    await sql`delete from ops_agent_leases where grp = ${this.o.group} and node = ${this.o.node}`.execute(this.db);
    await sql`delete from ops_group_nodes where grp = ${this.o.group} and node = ${this.o.node}`.execute(this.db);
    this.held.clear();
  }
}
