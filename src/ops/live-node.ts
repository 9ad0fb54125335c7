/**
 * A node whose spec can change while it serves: the app is built on {@link LiveNode.services}, a
 * view of the node's services whose spec-derived parts (spec, catalog, providers, guard engines,
 * cost engines, gateway) are live references. `apply()` plans the change, builds the new parts next
 * to the shared ones (store, recorder, audit, key ring), runs the preflight, writes the spec's keys
 * (added and changed keys upserted, removed ones revoked), brings the runtime's prompt agents in
 * line (new ones registered, changed ones replaced, removed ones unregistered), then swaps the parts
 * in one step and takes removed agents out of the mesh registry. All or nothing: any failure before
 * the swap closes the new parts, restores the key rows and the agents, and leaves the old spec in
 * force. Then it audits a `spec_change`, keeps the version, and closes the old parts once the calls
 * in flight on them have finished. Alerts, anomaly settings and analytics read the spec in force
 * through `ServicesOptions.currentSpec`.
 */
import type { Gateway } from '../gateway/gateway.js';
import type { RolloutRouter } from '../governance/rollout-router.js';
import type { GuardEngines, Services } from '../server/services.js';
import type { LoadedSpec } from '../spec/loader.js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';
import { auditOf } from '../compliance/node-audit.js';
import { closeMeshOf, deregisterLocalAgents } from '../mesh/node-mesh.js';
import { leaveMarketsOf } from './ops-api.js';
import type { Spec } from '../spec/schema.js';
import { applySpecKeys, type SpecKeyChange } from './spec-keys.js';
import { liveRef } from './live-ref.js';
import { buildSpecParts, type SpecParts } from './spec-parts.js';
import { planSpecChange, type SpecPlan } from './spec-diff.js';
import { recordSpecVersion, type SpecVersion } from './spec-versions.js';

/** Options of {@link LiveNode.apply}. */
export interface LiveApplyOptions {
  /** The spec's text, kept as a version when given. */
  text?: string;
  /** Who applies (audit actor id). */
  actor?: string;
  /** Checks the new parts before the swap (e.g. provider health); throwing aborts the apply. */
  preflight?: (parts: SpecParts) => Promise<void>;
  rollbackOf?: number;
}

/** The outcome of a live apply. */
export interface LiveApplyResult {
  plan: SpecPlan;
  version: SpecVersion | null;
  /** False when there was nothing to change. */
  swapped: boolean;
}

interface Generation {
  parts: SpecParts | null; // null: the base services' own parts (closed by base.close())
  spec: LoadedSpec;
  catalog: Services['catalog'];
  providers: Services['providers'];
  engines: GuardEngines;
  gateway: Gateway;
  inflight: number;
}

const live = new WeakMap<object, LiveNode>();

/** The LiveNode whose services view `s` is, if any (the admin API finds it this way). */
export function liveNodeOf(s: object): LiveNode | undefined {
  return live.get(s);
}

/** See the module comment. */
export class LiveNode {
  /** The services view to build the app on. */
  readonly services: Services;
  private gen: Generation;
  private router: RolloutRouter | null = null;
  private applying: Promise<unknown> = Promise.resolve();
  private viewClose: (() => Promise<void>) | null = null;

  constructor(readonly base: Services, private readonly opts: { drainMs?: number } = {}) {
    this.gen = { parts: null, spec: base.spec, catalog: base.catalog, providers: base.providers, engines: base.engines, gateway: base.gateway, inflight: 0 };
    const engines = {} as GuardEngines;
    for (const k of Object.keys(base.engines) as (keyof GuardEngines)[]) Object.defineProperty(engines, k, { enumerable: true, value: liveRef(() => this.gen.engines[k] as object) });
    const gateway = this.gatewayView();
    const catalog = liveRef(() => this.gen.catalog);
    const providers = liveRef(() => this.gen.providers);
    const self = this;
    this.services = new Proxy(base, {
      get(t, p) {
        switch (p) {
          case 'gateway': return gateway;
          case 'catalog': return catalog;
          case 'providers': return providers;
          case 'engines': return engines;
          case 'spec': return self.gen.spec;
          case 'close': return self.viewClose ?? (() => self.close());
          default: {
            const v: unknown = Reflect.get(t, p, t);
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
          }
        }
      },
      set(t, p, v) {
        // Wrappers of close() (governance installs one) wrap the live node's close, not the base's.
        if (p === 'close') return (self.viewClose = v as () => Promise<void>), true;
        return Reflect.set(t, p, v);
      },
    });
    live.set(this.services, this);
  }

  /** The spec in force. */
  get spec(): LoadedSpec {
    return this.gen.spec;
  }

  /** What applying `next` would change. */
  plan(next: LoadedSpec): SpecPlan {
    return planSpecChange(this.gen.spec.spec, next.spec);
  }

  /** Applies `next` live; serialised with other applies. @throws when a part fails (the old spec stays). */
  apply(next: LoadedSpec, o: LiveApplyOptions = {}): Promise<LiveApplyResult> {
    const run = this.applying.then(() => this.applyNow(next, o));
    this.applying = run.catch(() => {});
    return run;
  }

  private async applyNow(next: LoadedSpec, o: LiveApplyOptions): Promise<LiveApplyResult> {
    const plan = this.plan(next);
    if (!plan.changes.length && !o.rollbackOf) return { plan, version: null, swapped: false };
    const parts = await buildSpecParts(next, this.base);
    let keys: SpecKeyChange | null = null;
    let agents: { removed: string[] } | null = null;
    let agentsTouched = false;
    try {
      await o.preflight?.(parts);
      parts.gateway.useRollouts(this.router);
      keys = await applySpecKeys(this.base.store, this.gen.spec.spec, next.spec);
      agentsTouched = true;
      agents = await this.applyAgents(next.spec);
    } catch (e) {
      if (agentsTouched) await this.applyAgents(this.gen.spec.spec).catch(() => {});
      await keys?.undo();
      if (keys) this.forgetKeys(keys);
      await parts.close();
      throw e;
    }
    this.forgetKeys(keys);
    const old = this.gen;
    this.gen = { parts, spec: next, catalog: parts.catalog, providers: parts.providers, engines: parts.engines, gateway: parts.gateway, inflight: 0 };
    if (agents?.removed.length) await deregisterLocalAgents(this.services, agents.removed);
    const c = plan.counts;
    const summary = `${c.add} to add, ${c.change} to change, ${c.remove} to remove`;
    try {
      (await auditOf(this.base)).append({
        kind: 'spec_change', tenant: 'default', actor: { kind: o.actor ? 'key' : 'system', id: o.actor ?? 'daca' },
        decision: { action: 'recorded', summary: `spec ${old.spec.hash.slice(0, 12)} → ${next.hash.slice(0, 12)}: ${summary}` },
        detail: { from: old.spec.hash, to: next.hash, changes: plan.changes.map((x) => `${x.op} ${x.section}${x.id ? '.' + x.id : ''}`) },
      });
    } catch (e) {
      this.base.logger.error({ err: e }, 'audit of a spec change failed');
    }
    const version = o.text !== undefined ? await recordSpecVersion(this.base.dataDir, o.text, { hash: next.hash, source: next.source, summary, ...(o.rollbackOf ? { rollbackOf: o.rollbackOf } : {}) }) : null;
    void this.retire(old);
    return { plan, version, swapped: true };
  }

  private forgetKeys(k: SpecKeyChange): void {
    for (const id of k.touched) this.base.keyRing.invalidateKey(id);
    for (const h of k.hashes) this.base.keyRing.invalidateHash(h);
  }

  /** Brings the runtime's prompt agents in line with `spec` (added, changed, removed). */
  private async applyAgents(spec: Spec): Promise<{ removed: string[] } | null> {
    const rt = this.base.runtime as Partial<Pick<AgentRuntime, 'applySpec'>> | undefined;
    return rt?.applySpec ? rt.applySpec(spec) : null;
  }

  /** Closes a replaced generation once its calls in flight have finished (and a grace period). */
  private async retire(g: Generation): Promise<void> {
    const until = Date.now() + 60_000;
    while (g.inflight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, this.opts.drainMs ?? 2_000).unref?.());
    await g.parts?.close();
  }

  /** Closes the current parts (when swapped in) and the node. */
  async close(): Promise<void> {
    await this.applying;
    await leaveMarketsOf(this.services);
    // The mesh was opened on the live view (the app's node), so it is closed under that name.
    await closeMeshOf(this.services).catch((e: unknown) => this.base.logger.error({ err: e }, 'mesh shutdown failed'));
    await this.gen.parts?.close();
    await this.base.close();
  }

  private gatewayView(): Gateway {
    const counted = new Set(['chat', 'chatStream', 'embed']);
    const self = this;
    return new Proxy(this.base.gateway, {
      get(_t, p) {
        const g = self.gen;
        if (p === 'useRollouts') return (r: RolloutRouter | null) => ((self.router = r), g.gateway.useRollouts(r));
        const v: unknown = Reflect.get(g.gateway, p, g.gateway);
        if (typeof v !== 'function') return v;
        const fn = v as (...a: unknown[]) => unknown;
        if (!counted.has(p as string)) return fn.bind(g.gateway);
        return (...a: unknown[]) => {
          g.inflight++;
          try {
            const r = fn.apply(g.gateway, a) as Promise<unknown>;
            return r.finally(() => void g.inflight--);
          } catch (e) {
            g.inflight--;
            throw e;
          }
        };
      },
    });
  }
}
