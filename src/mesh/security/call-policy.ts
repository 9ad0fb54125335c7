/**
 * Authorisation of calls between agents: the `mesh.policies` of the spec (which caller types may
 * call which skills) and tenant isolation (an agent is reached only by callers of its tenant;
 * agents of the `mesh.shared_tenant`, `default` unless set, are platform agents every tenant may
 * call, each caller's tasks kept in its own tenant).
 */
import { ForbiddenError } from '../../errors.js';
import type { MeshSpec } from '../mesh-spec.js';

/** Who calls. */
export interface MeshCallerIdentity {
  /** Agent type of the caller; `user` for keys bound to no agent. */
  type: string;
  tenant: string;
  /** Admin keys bypass policies (never tenant isolation of data they read, which the API scopes). */
  admin?: boolean;
}

/** What is called. */
export interface MeshTarget {
  agent: string;
  /** The skill when known (routed by skill); null for a direct call to the agent. */
  skill: string | null;
  tenant: string;
}

interface Rule {
  callers: ReadonlySet<string>;
  patterns: readonly { agent: string; skill: string }[];
}

/**
 * The compiled call policy.
 * @example
 * ```ts
 * const policy = new CallPolicy(spec.mesh);
 * policy.check({ type: 'buyer', tenant: 'acme' }, { agent: 'seller', skill: 'quote', tenant: 'acme' }); // throws ForbiddenError when refused
 * ```
 */
export class CallPolicy {
  private readonly rules: Rule[];

  private readonly shared: string | null;

  constructor(mesh: Pick<MeshSpec, 'policies'> & { shared_tenant?: string | null }) {
    this.shared = mesh.shared_tenant ?? null;
    this.rules = mesh.policies.map((p) => ({
      callers: new Set(p.callers),
      patterns: p.skills.map((s) => {
        const [agent, skill] = s.includes('/') ? (s.split('/', 2) as [string, string]) : [s, '*'];
        return { agent, skill };
      }),
    }));
  }

  /** Whether any rule is declared (none: every caller of the tenant may call). */
  get restrictive(): boolean {
    return this.rules.length > 0;
  }

  /** The reason a call is refused, or null when it is allowed. */
  refusal(caller: MeshCallerIdentity, target: MeshTarget): string | null {
    if (caller.tenant !== target.tenant && !caller.admin && target.tenant !== this.shared)
      return `agent '${target.agent}' belongs to another tenant; calls across tenants are refused`;
    if (caller.admin || this.rules.length === 0) return null;
    for (const r of this.rules) {
      if (!r.callers.has(caller.type) && !r.callers.has('*')) continue;
      for (const p of r.patterns) {
        if (p.agent !== '*' && p.agent !== target.agent) continue;
        if (p.skill === '*' || (target.skill !== null && p.skill === target.skill)) return null;
      }
    }
    const what = target.skill ? `skill '${target.agent}/${target.skill}'` : `agent '${target.agent}'`;
    return `callers of type '${caller.type}' may not call ${what} (mesh.policies)`;
  }

  /** Throws 403 `forbidden` when the call is refused. */
  check(caller: MeshCallerIdentity, target: MeshTarget): void {
    const why = this.refusal(caller, target);
    if (why) throw new ForbiddenError(why, { details: { caller: caller.type, target: target.agent, skill: target.skill } });
  }
}
