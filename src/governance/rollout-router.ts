/**
 * The RolloutRouter: the gateway's O(1) answer to "which model version serves this agent's request
 * for this model?" — registry aliases (`stable`, `canary`, named) per scope, and running canary
 * rollouts that send a sticky share of agents (hash of the agent id) or of traffic (hash of the
 * session, else the request id) to the candidate.
 *
 * Everything is compiled ahead (by {@link compileRouteIndex}) into maps keyed by the requested
 * name and then by agent, group, team and tenant; `route()` does a few Map lookups and one string
 * hash, and returns one of the precomputed, frozen decisions (no allocation). A node with no
 * aliases and no rollouts answers every call with one failed Map lookup.
 */
import type { AuditReason } from '../compliance/audit-types.js';
import { hash32 } from '../evals/random.js';
import type { Attribution } from '../identity/principal.js';
import type { ChatRequest } from '../providers/types.js';
import type { ModelCatalog } from '../spec/resolve.js';
import type { ModelAlias, ModelVersion, Rollout, RouteDecision } from './types.js';

/** Receives answers of rollout traffic: request id, its decision, the request, the answer text and the call's tags. */
export type TrafficObserver = (requestId: string, d: RouteDecision, req: ChatRequest, output: string, tags: Readonly<Record<string, string>>) => void;

/** One scope's binding of a requested name: a version, or a split between stable and canary. */
interface Binding {
  readonly stable: RouteDecision;
  /** Null when there is no split. */
  readonly canary: RouteDecision | null;
  /** Canary when hash32(key, salt) < threshold. */
  readonly threshold: number;
  readonly salt: number;
  readonly byTraffic: boolean;
}

/** Bindings of one requested name, by precedence: agent, group agent, group team, team, tenant, all. */
interface NameTable {
  readonly agent: Map<string, Binding>;
  readonly groupAgent: Map<string, Binding>;
  readonly groupTeam: Map<string, Binding>;
  readonly team: Map<string, Binding>;
  readonly tenant: Map<string, Binding>;
  all: Binding | null;
}

/** What the index is compiled from. */
export interface RouteSources {
  versions: ReadonlyMap<string, ModelVersion>;
  aliases: readonly ModelAlias[];
  /** Running rollouts (at most one per scope). */
  rollouts: readonly Rollout[];
  /** `governance.groups` of the spec. */
  groups: Readonly<Record<string, { teams: readonly string[]; agents: readonly string[] }>>;
  catalog: ModelCatalog;
  /**
   * Versions each scope's `stable` alias pointed at before (from the alias history): the model
   * names of those versions keep routing to the scope's current version, so agents that still ask
   * for the old model's name follow promotions and rollbacks without changing their code.
   */
  previousStable?: ReadonlyMap<string, readonly string[]>;
}

/** A compiled index: requested name → name table. */
export type RouteIndex = ReadonlyMap<string, NameTable>;

function decision(v: ModelVersion, arm: 'stable' | 'canary', scope: string, rollout: Rollout | null): RouteDecision {
  const params = Object.keys(v.params).length ? Object.freeze({ ...v.params }) : null;
  const reason: AuditReason = {
    source: 'route',
    name: rollout ? `rollout:${rollout.id}` : `version:${scope}`,
    effect: 'info',
    detail: rollout
      ? `rollout ${rollout.id} of ${scope}: ${arm} arm → version ${v.id} (${v.model})`
      : `${scope} uses version ${v.id} (${v.model})`,
    data: { version: v.id, arm, scope, ...(rollout ? { rollout: rollout.id } : {}) },
  };
  return Object.freeze({ model: v.model, version: v.id, arm, rolloutId: rollout?.id ?? null, params, via: rollout && arm === 'canary' ? 'canary' : 'version', reason: Object.freeze(reason) });
}

function thresholdOf(pct: number): number {
  return Math.min(0x1_0000_0000, Math.round((pct / 100) * 0x1_0000_0000));
}

/** Names a request may use for a version's model: the model, what it resolves to, and that model's aliases. */
function namesOf(model: string, catalog: ModelCatalog): string[] {
  const r = catalog.resolve(model);
  return r ? [...new Set([model, r.name, ...r.aliases])] : [model];
}

/**
 * Compiles the route index from the registry and the running rollouts.
 *
 * @example
 * ```ts
 * const index = compileRouteIndex({ versions, aliases, rollouts, groups: spec.governance.groups, catalog });
 * ```
 */
export function compileRouteIndex(src: RouteSources): RouteIndex {
  const index = new Map<string, NameTable>();
  const table = (name: string): NameTable => {
    let t = index.get(name);
    if (!t) index.set(name, (t = { agent: new Map(), groupAgent: new Map(), groupTeam: new Map(), team: new Map(), tenant: new Map(), all: null }));
    return t;
  };
  const place = (scope: string, name: string, b: Binding): void => {
    const t = table(name);
    const [kind, id = ''] = scope.split(/:(.*)/s, 2) as [string, string?];
    const put = (m: Map<string, Binding>, k: string): void => void (m.has(k) || m.set(k, b));
    if (kind === 'all') t.all ??= b;
    else if (kind === 'agent') put(t.agent, id);
    else if (kind === 'team') put(t.team, id);
    else if (kind === 'tenant') put(t.tenant, id);
    else if (kind === 'group') {
      const g = src.groups[id];
      for (const a of g?.agents ?? []) put(t.groupAgent, a);
      for (const tm of g?.teams ?? []) put(t.groupTeam, tm);
    }
  };
  const plain = (d: RouteDecision): Binding => ({ stable: d, canary: null, threshold: 0, salt: 0, byTraffic: false });

  const scopes = new Set<string>([...src.aliases.map((a) => a.scope), ...src.rollouts.map((r) => r.scope)]);
  for (const scope of scopes) {
    const aliases = src.aliases.filter((a) => a.scope === scope);
    const rollout = src.rollouts.find((r) => r.scope === scope) ?? null;
    const claimed = new Set<string>();
    const served = (current: ModelVersion): string[] => {
      const names = namesOf(current.model, src.catalog);
      for (const id of src.previousStable?.get(scope) ?? []) {
        const v = src.versions.get(id);
        if (v) names.push(...namesOf(v.model, src.catalog));
      }
      return [...new Set(names)];
    };
    if (rollout) {
      const from = src.versions.get(rollout.fromVersion);
      const to = src.versions.get(rollout.toVersion);
      if (from && to) {
        const canary = decision(to, 'canary', scope, rollout);
        const split: Binding = { stable: decision(from, 'stable', scope, rollout), canary, threshold: thresholdOf(rollout.canaryPct), salt: rollout.salt >>> 0, byTraffic: rollout.by === 'traffic' };
        const names = new Set(['stable', ...served(from), ...aliases.filter((a) => a.version === from.id && a.name !== 'canary').map((a) => a.name)]);
        for (const n of names) {
          place(scope, n, split);
          claimed.add(n);
        }
        place(scope, 'canary', plain(canary));
        claimed.add('canary');
      }
    }
    for (const a of aliases) {
      if (claimed.has(a.name)) continue;
      const v = src.versions.get(a.version);
      if (!v) continue;
      place(scope, a.name, plain(decision(v, 'stable', scope, null)));
      claimed.add(a.name);
    }
    const stable = aliases.find((a) => a.name === 'stable');
    const sv = stable && !rollout ? src.versions.get(stable.version) : undefined;
    if (sv) {
      const d = plain(decision(sv, 'stable', scope, null));
      for (const n of served(sv)) if (!claimed.has(n)) place(scope, n, d);
    }
  }
  return index;
}

/** Routes requests to model versions; see the module comment. */
export class RolloutRouter {
  private index: RouteIndex = new Map();
  private onAssign: ((requestId: string, d: RouteDecision) => void) | null = null;
  private observer: TrafficObserver | null = null;

  /** Swaps in a new index (atomically: a request sees the old one or the new one). */
  load(index: RouteIndex): void {
    this.index = index;
  }

  /** Where {@link assign} sends arm assignments (the governance service's batched writer). */
  setAssignmentSink(f: ((requestId: string, d: RouteDecision) => void) | null): void {
    this.onAssign = f;
  }

  /** Who sees answers of rollout traffic (the sampled graders); null: nobody. */
  setObserver(f: TrafficObserver | null): void {
    this.observer = f;
  }

  /** True when nothing is routed (no aliases, no rollouts). */
  get empty(): boolean {
    return this.index.size === 0;
  }

  /**
   * The version (and arm) that serves `requestedModel` for this agent, or null to resolve the
   * requested name as usual. Deterministic: the same agent (by agents) or session/request (by
   * traffic) always gets the same arm while the rollout runs.
   */
  route(att: Attribution, requestedModel: string, requestId?: string): RouteDecision | null {
    const t = this.index.get(requestedModel);
    if (t === undefined) return null;
    const b = t.agent.get(att.agent) ?? t.groupAgent.get(att.agent) ?? t.groupTeam.get(att.team) ?? t.team.get(att.team) ?? t.tenant.get(att.tenant) ?? t.all;
    if (b === null) return null;
    if (b.canary === null) return b.stable;
    const key = b.byTraffic ? (att.session ?? requestId ?? '') : att.agent;
    return hash32(key, b.salt) < b.threshold ? b.canary : b.stable;
  }

  /** Records which arm served a request of a running rollout (batched, off the request path). */
  assign(requestId: string, d: RouteDecision): void {
    if (d.rolloutId !== null) this.onAssign?.(requestId, d);
  }

  /**
   * Shows a finished answer to the traffic graders (sampled, graded off the request path). Call
   * after a successful chat call; a no-op unless the call was part of a running rollout.
   */
  observe(call: { readonly id: string; readonly attribution: Attribution; readonly requestedModel: string }, req: ChatRequest, output: string): void {
    if (this.observer === null) return;
    const d = this.route(call.attribution, call.requestedModel, call.id);
    if (d !== null && d.rolloutId !== null) this.observer(call.id, d, req, output, call.attribution.tags);
  }
}
