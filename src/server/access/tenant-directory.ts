/**
 * Which tenant owns an agent, team, key or session: the spec is authoritative for what it
 * declares; anything else is owned by the one tenant it appears under in recorded usage (or by
 * nobody when it appears under several, so no tenant sees a subject it shares with another).
 */
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import { ALL_TENANTS } from '../../identity/roles.js';

/** Kinds of subjects the directory resolves. */
export type SubjectKind = 'tenant' | 'team' | 'agent' | 'key' | 'session';

/** Resolves owners for one request (answers are cached for its lifetime). */
export class TenantDirectory {
  private readonly cache = new Map<string, Promise<string | null>>();

  constructor(
    private readonly spec: () => Pick<Spec, 'teams' | 'agents'>,
    private readonly store: Pick<Store, 'db' | 'keys'>,
  ) {}

  /**
   * The one tenant that owns `kind subject`, or null when unknown or shared by several tenants.
   * @example await dir.owner('agent', 'support') // → 'acme'
   */
  owner(kind: SubjectKind, subject: string): Promise<string | null> {
    const k = `${kind}\u0000${subject}`;
    let p = this.cache.get(k);
    if (!p) this.cache.set(k, (p = this.resolve(kind, subject)));
    return p;
  }

  private async resolve(kind: SubjectKind, subject: string): Promise<string | null> {
    const spec = this.spec();
    switch (kind) {
      case 'tenant':
        return subject;
      case 'key': {
        const row = await this.store.keys.get(subject);
        return row && row.tenant !== ALL_TENANTS ? row.tenant : null;
      }
      case 'team': {
        const t = spec.teams[subject]?.tenant;
        return t ?? this.fromUsage('team', subject);
      }
      case 'agent': {
        const a = spec.agents[subject];
        if (a) return spec.teams[a.team]?.tenant ?? this.fromUsage('team', a.team);
        return this.fromUsage('agent', subject);
      }
      case 'session':
        return this.fromUsage('session', subject);
    }
  }

  private async fromUsage(column: 'agent' | 'team' | 'session', value: string): Promise<string | null> {
    const rows = await this.store.db.selectFrom('usage_events').select('tenant').distinct().where(column, '=', value).limit(2).execute();
    return rows.length === 1 ? rows[0]!.tenant : null;
  }
}
