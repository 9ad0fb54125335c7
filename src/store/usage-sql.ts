/**
 * SQL building blocks for usage queries: the few expressions that differ between SQLite and
 * PostgreSQL, group-by dimension expressions, and the shared WHERE clause.
 */
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, RawBuilder, SqlBool } from 'kysely';
import { InvalidRequestError } from '../errors.js';
import type { StoreDatabase } from './db-schema.js';
import type { UsageGroupBy, UsageQuery } from './types.js';

/** The engine-specific SQL a usage query needs. */
export interface UsageSqlDialect {
  /** UTC date `YYYY-MM-DD` of the `ts` column (ms since the epoch). */
  day(): RawBuilder<string>;
  /** UTC month `YYYY-MM` of the `ts` column. */
  month(): RawBuilder<string>;
  /** The value of tag `name` (already validated) from the `tags` JSON text column, or NULL. */
  tag(name: string): RawBuilder<string | null>;
}

/** SQLite: `strftime` and `json_extract`. */
export const sqliteUsageSql: UsageSqlDialect = {
  day: () => sql<string>`strftime('%Y-%m-%d', ts / 1000, 'unixepoch')`,
  month: () => sql<string>`strftime('%Y-%m', ts / 1000, 'unixepoch')`,
  tag: (name) => sql<string | null>`json_extract(tags, ${sql.lit(`$."${name}"`)})`,
};

/** PostgreSQL: `to_char` in UTC and `jsonb ->>`. */
export const postgresUsageSql: UsageSqlDialect = {
  day: () => sql<string>`to_char(to_timestamp(ts / 1000) at time zone 'UTC', 'YYYY-MM-DD')`,
  month: () => sql<string>`to_char(to_timestamp(ts / 1000) at time zone 'UTC', 'YYYY-MM')`,
  tag: (name) => sql<string | null>`((tags::jsonb) ->> ${sql.lit(name)})`,
};

const TAG_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks a tag name before it is inlined into SQL.
 *
 * @throws InvalidRequestError when the name has characters outside `[A-Za-z0-9_.-]`.
 */
export function validTagName(name: string, param: string): string {
  if (!TAG_NAME.test(name)) {
    throw new InvalidRequestError(`Invalid tag name '${name}': use letters, digits, '_', '.' or '-'.`, { param });
  }
  return name;
}

const COLUMN_DIMS = {
  agent: 'agent',
  team: 'team',
  tenant: 'tenant',
  model: 'model',
  provider: 'provider',
  key: 'key_id',
  session: 'session',
} as const;

/**
 * The SQL expression for one group-by dimension.
 *
 * @throws InvalidRequestError for an unknown dimension or a bad tag name.
 */
export function dimensionExpr(dim: UsageGroupBy, d: UsageSqlDialect): RawBuilder<string | null> {
  if (dim === 'day') return d.day();
  if (dim === 'month') return d.month();
  if (dim.startsWith('tag:')) return d.tag(validTagName(dim.slice(4), 'groupBy'));
  const col = (COLUMN_DIMS as Record<string, string>)[dim];
  if (col === undefined) {
    throw new InvalidRequestError(
      `Unknown group-by '${dim}': use agent, team, tenant, model, provider, key, day, month, session or tag:<name>.`,
      { param: 'groupBy' },
    );
  }
  return sql<string | null>`${sql.ref(col)}`;
}

/** Filter part of a usage query (plus `session`, used by listings). */
export type UsageFilter = Omit<UsageQuery, 'groupBy' | 'limit'> & { session?: string };

/** Builds the WHERE clause shared by usage queries, totals and listings. */
export function usageWhere(f: UsageFilter, d: UsageSqlDialect) {
  return (eb: ExpressionBuilder<StoreDatabase, 'usage_events'>): Expression<SqlBool> => {
    const conds: Expression<SqlBool>[] = [];
    if (f.from !== undefined) conds.push(eb('ts', '>=', f.from));
    if (f.to !== undefined) conds.push(eb('ts', '<', f.to));
    if (f.tenant !== undefined) conds.push(eb('tenant', '=', f.tenant));
    if (f.team !== undefined) conds.push(eb('team', '=', f.team));
    if (f.agent !== undefined) conds.push(eb('agent', '=', f.agent));
    if (f.model !== undefined) conds.push(eb('model', '=', f.model));
    if (f.session !== undefined) conds.push(eb('session', '=', f.session));
    if (f.tags !== undefined) {
      for (const [name, value] of Object.entries(f.tags)) {
        conds.push(eb(d.tag(validTagName(name, 'tags')), '=', value));
      }
    }
    return eb.and(conds);
  };
}
