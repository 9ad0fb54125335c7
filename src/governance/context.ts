/**
 * What the governance services share: the repositories, the spec and catalog of the node, the
 * audit sink, the clock, and a way to rebuild the gateway's route index after a change.
 */
import type { AuditEntry } from '../compliance/audit-types.js';
import type { JsonObject } from '../compliance/json-value.js';
import type { ModelCatalog } from '../spec/resolve.js';
import type { Spec } from '../spec/schema.js';
import type { Clock } from '../telemetry/analytics/clock.js';
import type { RegistryRepo } from './registry-repo.js';
import type { RolloutRepo } from './rollout-repo.js';
import { tenantOfScope } from './scope.js';

/** Where governance writes its `model_change` records. */
export interface GovernanceAudit {
  append(e: AuditEntry): string;
}

/** The shared context. */
export interface GovernanceContext {
  registry: RegistryRepo;
  rollouts: RolloutRepo;
  spec: () => Spec;
  catalog: () => ModelCatalog;
  audit: () => Promise<GovernanceAudit | null>;
  clock: () => Clock;
  /** Rebuilds the route index from the store. */
  reload: () => Promise<void>;
  onError: (e: unknown, what: string) => void;
}

/** Who made a change: `human:<key id>` from the admin API, `system:<what>` from the analysis. */
export function actorOf(actor: string): AuditEntry['actor'] {
  const i = actor.indexOf(':');
  const kind = i > 0 ? actor.slice(0, i) : 'human';
  const id = i > 0 ? actor.slice(i + 1) : actor;
  return { kind: kind === 'system' || kind === 'key' || kind === 'agent' ? kind : 'human', id };
}

/** Appends one `model_change` record (never throws into the caller: audit is reported, not fatal). */
export async function auditChange(ctx: GovernanceContext, c: { scope: string | null; actor: string; summary: string; detail: JsonObject; at: number }): Promise<void> {
  try {
    const audit = await ctx.audit();
    audit?.append({
      kind: 'model_change',
      tenant: c.scope ? tenantOfScope(c.scope, ctx.spec()) : 'default',
      actor: actorOf(c.actor),
      ...(c.scope?.startsWith('agent:') ? { agent: c.scope.slice(6) } : {}),
      decision: { action: 'recorded', summary: c.summary },
      detail: { ...(c.scope ? { scope: c.scope } : {}), ...c.detail },
      ts: c.at,
    });
  } catch (e) {
    ctx.onError(e, 'audit of a model change failed');
  }
}
