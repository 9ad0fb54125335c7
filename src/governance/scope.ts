/**
 * Scopes of aliases and rollouts ("agent groups"): `agent:<id>`, `team:<id>`, `tenant:<id>`,
 * `group:<name>` (a `governance.groups` entry of the spec) or `all`.
 */
import { InvalidRequestError } from '../errors.js';
import type { Spec } from '../spec/schema.js';
import type { Scope } from './types.js';

const KINDS = ['agent', 'team', 'tenant', 'group'] as const;

/**
 * Turns what a user typed after `--agent-group` into a scope: `kind:id` as is, `all`/`*`, or a bare
 * name looked up as a spec group, then a team, then an agent (else taken as a team).
 *
 * @example
 * ```ts
 * scopeOf('support', spec); // 'team:support' when the spec declares team support
 * ```
 */
export function scopeOf(text: string, spec: Pick<Spec, 'teams' | 'agents'> & { governance?: { groups: Record<string, unknown> } }): Scope {
  const t = text.trim();
  if (!t) throw new InvalidRequestError('an agent group is required (team:T, agent:A, tenant:X, group:G, all, or a team/agent/group name)', { param: 'group' });
  if (t === 'all' || t === '*') return 'all';
  const i = t.indexOf(':');
  if (i > 0) {
    const kind = t.slice(0, i);
    const id = t.slice(i + 1);
    if (!(KINDS as readonly string[]).includes(kind) || !id) throw new InvalidRequestError(`agent group '${t}': expected ${KINDS.map((k) => `${k}:<id>`).join(', ')} or all`, { param: 'group' });
    if (kind === 'group' && !spec.governance?.groups[id]) throw new InvalidRequestError(`agent group '${t}': no group '${id}' in governance.groups of the spec`, { param: 'group' });
    return t;
  }
  if (spec.governance?.groups[t]) return `group:${t}`;
  if (spec.teams[t]) return `team:${t}`;
  if (spec.agents[t]) return `agent:${t}`;
  return `team:${t}`;
}

/** The tenant a scope belongs to (for audit records); `default` when it spans tenants. */
export function tenantOfScope(scope: Scope, spec: Pick<Spec, 'teams' | 'agents'>): string {
  const [kind, id = ''] = scope.split(':', 2) as [string, string?];
  if (kind === 'tenant') return id;
  if (kind === 'team') return spec.teams[id]?.tenant ?? 'default';
  if (kind === 'agent') {
    const team = spec.agents[id]?.team;
    return (team && spec.teams[team]?.tenant) || 'default';
  }
  return 'default';
}
