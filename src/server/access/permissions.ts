/**
 * The permission table: which roles may use each `/api` route group, and how far the group is
 * partitioned by tenant. This file is the single source of truth; docs/access-control.md explains
 * the choices and test/access-routes.e2e.test.ts fails when a registered route has no entry here.
 *
 * A group is a path prefix under `/api/` (longest match wins, whole segments only), so
 * `audit/events` is its own group while `/api/audit/records/:id` belongs to `audit`.
 * `read` lets a role use GET (and the POSTs listed in `readPosts`); `write` adds every method.
 */
import type { Role } from '../../identity/roles.js';

/** What a role may do in a group. */
export type Access = 'none' | 'read' | 'write';

/**
 * How a group's data relates to tenants:
 * - `tenant`: rows belong to tenants; every route filters or checks by the caller's tenant.
 * - `shared`: holds no tenant's data (provider health); any scope may read, only global keys write.
 * - `node`: state of the whole node that spans tenants (spec, rollouts, markets, the live event
 *   stream); only global keys (the admin key, keys of tenant `*`) may use it at all.
 */
export type GroupScope = 'tenant' | 'shared' | 'node';

/** One row of the table. */
export interface RouteGroup {
  /** Path prefix under `/api/`, e.g. `audit/events`. */
  readonly path: string;
  readonly scope: GroupScope;
  /** Access per role; a role not named has none. */
  readonly roles: Readonly<Partial<Record<Role, Access>>>;
  /** POST sub-paths of the group that only compute an answer (need `read`), e.g. `advice`. */
  readonly readPosts?: readonly string[];
  /** One line for people (docs, error messages). */
  readonly summary: string;
}

const W = 'write';
const R = 'read';

/** The table. Admin has write everywhere; a tenant admin is still held to the group's scope. */
export const PERMISSIONS: readonly RouteGroup[] = Object.freeze([
  { path: 'whoami', scope: 'shared', roles: { admin: R, operator: R, auditor: R, approver: R, agent: R }, summary: 'who the caller is and what it may do' },
  { path: 'keys', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, summary: 'virtual keys: create, list, revoke, change role' },
  { path: 'usage', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, summary: 'usage and cost reports, usage export' },
  { path: 'overview', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, summary: 'fleet totals and top agents' },
  { path: 'agents', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, summary: 'agent analytics' },
  { path: 'sessions', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, summary: 'sessions and their timelines' },
  { path: 'anomalies', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, summary: 'detected anomalies' },
  { path: 'alerts', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, summary: 'alert history' },
  { path: 'feedback', scope: 'tenant', roles: { admin: W, operator: W, agent: W }, summary: 'quality ratings of answers' },
  { path: 'approvals', scope: 'tenant', roles: { admin: W, operator: R, auditor: R, approver: W }, summary: 'human approvals: list, approve, reject, modify' },
  { path: 'audit', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, readPosts: ['search', 'export', 'verify'], summary: 'audit ledger: search, records, explain, verify, export' },
  { path: 'audit/events', scope: 'tenant', roles: { admin: W, operator: W, agent: W }, summary: "an agent's own business decisions" },
  { path: 'providers', scope: 'shared', roles: { admin: W, operator: R, auditor: R }, summary: 'providers and upstream health' },
  { path: 'budgets', scope: 'tenant', roles: { admin: W, operator: R, auditor: R, agent: R }, summary: 'budgets and their counters' },
  { path: 'budgets/sweep', scope: 'node', roles: { admin: W, operator: W }, summary: "free stale budget leases of the node's gateways" },
  { path: 'limits', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, summary: 'rate limits and current use' },
  { path: 'suspensions', scope: 'tenant', roles: { admin: W, operator: W, auditor: R }, summary: 'kill switch: suspend and resume keys, agents, teams, tenants' },
  { path: 'mesh', scope: 'tenant', roles: { admin: W, operator: W, auditor: R }, summary: 'agent mesh: discovery, routing decisions, edges' },
  { path: 'cost', scope: 'tenant', roles: { admin: W, operator: R, auditor: R }, readPosts: ['advice'], summary: 'cost reports and the savings advisor' },
  { path: 'evals', scope: 'node', roles: { admin: W, operator: W, auditor: R }, summary: 'eval runs and comparisons (runs are not per tenant)' },
  { path: 'ops/goals', scope: 'node', roles: { admin: W, operator: W, auditor: R }, summary: "the spec's goals: attainment, escalations and the goal controller's actions" },
  { path: 'ops', scope: 'node', roles: { admin: W, operator: W, auditor: R }, summary: 'operations across nodes (the shared marketplace)' },
  { path: 'orchestration', scope: 'node', roles: { admin: W, operator: W, auditor: R }, summary: 'marketplaces run on this node' },
  { path: 'rollouts', scope: 'node', roles: { admin: W, operator: W, auditor: R }, summary: 'canary rollouts of model versions' },
  { path: 'registry', scope: 'node', roles: { admin: W, operator: W, auditor: R }, summary: 'model registry and aliases' },
  { path: 'spec', scope: 'node', roles: { admin: W, operator: R, auditor: R }, summary: 'the spec in force (secrets redacted)' },
  { path: 'spec-ops', scope: 'node', roles: { admin: W, operator: R, auditor: R }, readPosts: ['plan'], summary: 'plan and apply a spec live, spec versions' },
  { path: 'events', scope: 'node', roles: { admin: R, operator: R, auditor: R }, summary: 'live event stream (SSE) of every tenant' },
] satisfies RouteGroup[]);

const BY_LENGTH = [...PERMISSIONS].sort((a, b) => b.path.length - a.path.length);

/**
 * The group of an `/api` path (a request path or a route pattern such as `/api/keys/:id`), or
 * undefined when the table has none.
 * @example groupOf('/api/audit/events') // → the `audit/events` row
 */
export function groupOf(path: string): RouteGroup | undefined {
  if (!path.startsWith('/api/')) return undefined;
  const rest = path.slice(5).replace(/\/+$/, '');
  return BY_LENGTH.find((g) => rest === g.path || rest.startsWith(`${g.path}/`));
}

/** The access a request needs: `read` for GET/HEAD/OPTIONS and the group's read-only POSTs, else `write`. */
export function neededAccess(group: RouteGroup, method: string, path: string): Exclude<Access, 'none'> {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return 'read';
  const sub = path.slice(5 + group.path.length).replace(/^\/+|\/+$/g, '');
  return m === 'POST' && group.readPosts?.includes(sub) ? 'read' : 'write';
}

/** What a role has in a group. */
export function accessOf(role: Role, group: RouteGroup): Access {
  return group.roles[role] ?? 'none';
}

/** The outcome of {@link decide}. */
export type Decision =
  | { ok: true; group: RouteGroup }
  | { ok: false; reason: 'unlisted' | 'role' | 'scope'; group: RouteGroup | undefined; message: string };

/**
 * Whether a principal may call `method path`. Pure: the scope of the rows it then sees is
 * applied by each route (see scope.ts).
 * @example decide({ role: 'auditor', allTenants: false }, 'POST', '/api/suspensions') // → { ok: false, reason: 'role', … }
 */
export function decide(p: { role: Role; allTenants?: boolean | undefined }, method: string, path: string): Decision {
  const group = groupOf(path);
  const global = p.allTenants === true;
  if (!group) {
    if (p.role === 'admin' && global) return { ok: true, group: { path: '', scope: 'node', roles: { admin: W }, summary: 'unlisted' } };
    return { ok: false, reason: 'unlisted', group, message: `${method} ${path} is not in the access table; only the global admin key may call it` };
  }
  const need = neededAccess(group, method, path);
  const have = accessOf(p.role, group);
  if (have === 'none' || (need === 'write' && have === 'read')) {
    const can = (Object.entries(group.roles) as [Role, Access][]).filter(([, a]) => a === 'write' || (need === 'read' && a === 'read')).map(([r]) => r);
    const what = have === 'read' ? `has read-only access to ${group.path}` : `has no access to ${group.path}`;
    return { ok: false, reason: 'role', group, message: `role '${p.role}' ${what} (${group.summary}); ${method} ${path} needs ${need} access, which ${can.join(', ')} ${can.length === 1 ? 'has' : 'have'}` };
  }
  if (!global && (group.scope === 'node' || (group.scope === 'shared' && need === 'write'))) {
    return { ok: false, reason: 'scope', group, message: `${group.path} spans every tenant (${group.summary}); it needs a global key (tenant '*'), and this key belongs to one tenant` };
  }
  return { ok: true, group };
}
