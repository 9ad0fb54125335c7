/**
 * Facts a route tells the admin-action auditor about the change it made (the tenant it touched,
 * what changed), so the audit record is filed under the right tenant and says more than the path.
 */
import type { Context } from 'hono';
import type { AuditKind } from '../../compliance/audit-types.js';
import type { JsonObject } from '../../compliance/json-value.js';

/** What a route adds to its admin-action record. */
export interface AuditFacts {
  /** The tenant the change belongs to (default: the caller's tenant, `*` for a global caller). */
  tenant?: string;
  /** Overrides the record kind (default from the path). */
  kind?: AuditKind;
  /** Merged into the record's detail. */
  detail?: JsonObject;
  /** True when the route wrote its own audit record (no admin-action record is added). */
  recorded?: boolean;
}

const facts = new WeakMap<Request, AuditFacts>();

/**
 * Notes facts about the change the current request made.
 * @example noteAudit(c, { tenant: key.tenant, detail: { action: 'key_revoked', key_id: id } })
 */
export function noteAudit(c: Pick<Context, 'req'>, f: AuditFacts): void {
  const prev = facts.get(c.req.raw) ?? {};
  facts.set(c.req.raw, { ...prev, ...f, detail: { ...(prev.detail ?? {}), ...(f.detail ?? {}) } });
}

/** The facts noted for a request. */
export function auditFactsOf(c: Pick<Context, 'req'>): AuditFacts {
  return facts.get(c.req.raw) ?? {};
}
