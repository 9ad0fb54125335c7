/**
 * The roles a key can have, and what "global" means. See docs/access-control.md.
 */

/** Every role, most powerful first. */
export const ROLES = ['admin', 'operator', 'auditor', 'approver', 'agent'] as const;

/** What a key may do on `/api/*` (see the permission table in src/server/access/permissions.ts). */
export type Role = (typeof ROLES)[number];

/**
 * The tenant value of a key that sees every tenant ("global"). Only the global admin
 * (DACA_ADMIN_KEY) may create one; agent keys are never global.
 */
export const ALL_TENANTS = '*';

/** True when `v` is a role name. */
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
