/**
 * The tenant scope of a request on `/api/*`: one helper every route applies, so tenant isolation
 * is written once. A global principal (the admin key, keys of tenant `*`) has scope `null` and
 * sees every tenant; any other principal sees only its own tenant.
 *
 * - Lists and reports: {@link tenantFilter} turns an optional `?tenant=` into the filter to use,
 *   and refuses (403) a request that names another tenant.
 * - One row by id: {@link assertVisible} answers 404 for a row of another tenant, exactly as for a
 *   row that does not exist, so ids cannot be probed across tenants.
 * - Changes naming a subject (suspend an agent, register a mesh agent): {@link assertOwns} refuses
 *   (403) a subject that is not the caller's tenant's.
 */
import type { Context } from 'hono';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { Principal } from '../../identity/principal.js';
import type { SubjectKind, TenantDirectory } from './tenant-directory.js';

/** What a request may see. */
export interface Scope {
  /** The one tenant the caller may see, or null for every tenant. */
  tenant: string | null;
}

type Ctx = Pick<Context, 'get' | 'req'>;

const directories = new WeakMap<Request, TenantDirectory>();

/** The scope of a principal. */
export function scopeOfPrincipal(p: Pick<Principal, 'tenant' | 'allTenants'>): Scope {
  return { tenant: p.allTenants ? null : p.tenant };
}

/**
 * The scope of the request being served (after the access middleware authenticated it).
 * @example const { tenant } = scopeOf(c); // null → every tenant
 */
export function scopeOf(c: Ctx): Scope {
  const p = c.get('principal') as Principal | undefined;
  if (!p) throw new ForbiddenError('this route needs an authenticated key');
  return scopeOfPrincipal(p);
}

/** True when the request may see rows of `tenant`. */
export function canSee(c: Ctx, tenant: string | null | undefined): boolean {
  const s = scopeOf(c).tenant;
  return s === null || tenant === s;
}

/**
 * The tenant filter of a list or report: the requested tenant for a global caller (undefined =
 * all), the caller's own tenant otherwise. Naming another tenant is refused with 403.
 * @example q.tenant = tenantFilter(c, q.tenant);
 */
export function tenantFilter(c: Ctx, requested: string | undefined | null): string | undefined {
  const s = scopeOf(c).tenant;
  if (s === null) return requested || undefined;
  if (requested && requested !== s) throw new ForbiddenError(`this key belongs to tenant '${s}' and cannot read tenant '${requested}'`, { param: 'tenant', details: { reason: 'tenant' } });
  return s;
}

/**
 * Answers 404 (as for a missing row) when a row found by id belongs to another tenant.
 * @example assertVisible(c, approval.subject.tenant, () => `no approval '${id}'`);
 */
export function assertVisible(c: Ctx, tenant: string | null | undefined, notFound: () => string): void {
  if (!canSee(c, tenant)) throw new NotFoundError(notFound());
}

/** Remembers the tenant directory of a request (the access middleware does this). */
export function attachDirectory(c: Ctx, dir: TenantDirectory): void {
  directories.set(c.req.raw, dir);
}

/** The tenant directory of the request. */
export function directoryOf(c: Ctx): TenantDirectory {
  const d = directories.get(c.req.raw);
  if (!d) throw new ForbiddenError('this route needs the access middleware (mount it under /api)');
  return d;
}

/** True when a global caller, or when `kind subject` (an agent, team, key, session or tenant) is wholly the caller's tenant's. */
export async function owns(c: Ctx, kind: SubjectKind, subject: string): Promise<boolean> {
  const s = scopeOf(c).tenant;
  return s === null || (await directoryOf(c).owner(kind, subject)) === s;
}

/** Refuses (403) a change that names a subject of another tenant (or one no tenant owns alone). */
export async function assertOwns(c: Ctx, kind: SubjectKind, subject: string): Promise<void> {
  if (!(await owns(c, kind, subject))) {
    throw new ForbiddenError(`${kind} '${subject}' does not belong to tenant '${scopeOf(c).tenant}'`, { param: 'subject', details: { reason: 'tenant' } });
  }
}

/** Keeps the items whose subject the caller owns (all of them for a global caller). */
export async function filterOwned<T>(c: Ctx, items: readonly T[], subjectOf: (t: T) => { kind: SubjectKind; id: string } | null): Promise<T[]> {
  if (scopeOf(c).tenant === null) return [...items];
  const out: T[] = [];
  for (const t of items) {
    const s = subjectOf(t);
    if (s && (await owns(c, s.kind, s.id))) out.push(t);
  }
  return out;
}

/**
 * True when every subject a rule names (its `tenant`, `team`, `agent`, `key`) is the caller's
 * tenant's; a rule that names none applies to every tenant and is visible to all.
 * @example await ruleVisible(c, { scope: 'agent', agent: 'triage' })
 */
export async function ruleVisible(c: Ctx, r: { tenant?: string | undefined; team?: string | undefined; agent?: string | undefined; key?: string | undefined }): Promise<boolean> {
  const s = scopeOf(c).tenant;
  if (s === null) return true;
  if (r.tenant !== undefined && r.tenant !== s) return false;
  for (const [kind, id] of [['team', r.team], ['agent', r.agent], ['key', r.key]] as const) if (id !== undefined && !(await owns(c, kind, id))) return false;
  return true;
}
