/**
 * Model governance of one node: the registry, the rollout router the gateway consults, the
 * rollouts with their scheduled live analysis, and the writers of per-request rollout facts.
 */
import type { Spec } from '../spec/schema.js';
import type { ModelCatalog } from '../spec/resolve.js';
import type { Store } from '../store/types.js';
import { systemClock, type Clock, type Timer } from '../telemetry/analytics/clock.js';
import type { GovernanceAudit, GovernanceContext } from './context.js';
import { FactWriter } from './fact-writer.js';
import { ModelRegistry } from './model-registry.js';
import { RegistryRepo } from './registry-repo.js';
import { RolloutRepo } from './rollout-repo.js';
import { compileRouteIndex, RolloutRouter } from './rollout-router.js';
import { RolloutService } from './rollout-service.js';
import { TrafficGrader } from './traffic-grader.js';
import type { RolloutSample } from './rollout-repo.js';
import type { AliasChange, Arm, ModelAlias, Rollout, RolloutEvent } from './types.js';

/** What a {@link Governance} needs. */
export interface GovernanceOptions {
  store: Pick<Store, 'db' | 'kind'>;
  spec: () => Spec;
  catalog: () => ModelCatalog;
  /** The audit ledger (null: no audit). */
  audit?: () => Promise<GovernanceAudit | null>;
  /** Writes pending usage events (so an analysis sees every finished request). */
  flushUsage?: () => Promise<void>;
  clock?: Clock;
  onError?: (e: unknown, what: string) => void;
  /** The router to fill (default: a new one). */
  router?: RolloutRouter;
}

/** Which version an agent used at a time. */
export interface AgentVersion {
  agent: string;
  team: string;
  tenant: string;
  version: string | null;
  arm: Arm | null;
  rollout: string | null;
  scope: string | null;
}

/**
 * A node's governance.
 *
 * @example
 * ```ts
 * const gov = new Governance({ store, spec: () => spec, catalog: () => catalog });
 * await gov.open();
 * gateway.useRollouts(gov.router);
 * await gov.rollouts.start({ group: 'support', to: 'v4', canaryPct: 5, durationMs: 7 * 86_400_000 }, 'human:admin');
 * ```
 */
export class Governance {
  readonly router: RolloutRouter;
  readonly registry: ModelRegistry;
  readonly rollouts: RolloutService;
  readonly facts: FactWriter;
  private readonly ctx: GovernanceContext;
  private readonly grader: TrafficGrader;
  private clock: Clock;
  private timer: Timer | null = null;
  private ticking: Promise<unknown> | null = null;
  private closed = false;
  private reloadSeq = 0;
  private appliedSeq = 0;

  constructor(private readonly o: GovernanceOptions) {
    this.clock = o.clock ?? systemClock;
    const onError = o.onError ?? (() => {});
    this.router = o.router ?? new RolloutRouter();
    const rolloutRepo = new RolloutRepo(o.store);
    this.ctx = {
      registry: new RegistryRepo(o.store), rollouts: rolloutRepo, spec: o.spec, catalog: o.catalog, audit: o.audit ?? (async () => null),
      clock: () => this.clock, reload: () => this.reload(), onError,
    };
    this.facts = new FactWriter({ repo: rolloutRepo, onError: (e) => onError(e, 'writing rollout facts failed') });
    this.registry = new ModelRegistry(this.ctx);
    this.rollouts = new RolloutService(this.ctx, this.registry, this.facts, o.flushUsage ?? (async () => {}));
    const cfg = o.spec().rollouts;
    this.grader = new TrafficGrader(cfg.graders, cfg.sample_rate);
    this.router.setAssignmentSink((requestId, d) => this.facts.assign({ requestId, rolloutId: d.rolloutId!, arm: d.arm, ts: this.clock.now() }));
    if (this.grader.active) {
      this.router.setObserver((requestId, d, req, output, tags) => {
        if (!this.grader.sampled(requestId)) return;
        this.facts.track(
          this.grader
            .grade(d, req, output, tags)
            .then((g) => g && this.facts.grade({ requestId, rolloutId: d.rolloutId!, arm: d.arm, ts: this.clock.now(), passed: g.passed, score: g.score }))
            .catch((e: unknown) => onError(e, 'grading a rollout answer failed')),
        );
      });
    }
  }

  /** Seeds the registry from the spec, loads the routes and starts the analysis schedule. */
  async open(): Promise<this> {
    await this.registry.seed();
    await this.reload();
    this.schedule(this.clock);
    return this;
  }

  /** Rebuilds the gateway's route index from the store. */
  async reload(): Promise<void> {
    const seq = ++this.reloadSeq;
    const [versions, aliases, running, stableHistory] = await Promise.all([
      this.ctx.registry.listVersions(), this.ctx.registry.listAliases(), this.ctx.rollouts.list({ status: 'running' }), this.ctx.registry.history({ name: 'stable' }),
    ]);
    if (seq < this.appliedSeq) return; // a later reload already applied newer state
    this.appliedSeq = seq;
    this.router.load(
      compileRouteIndex({
        versions: new Map(versions.map((v) => [v.id, v])), aliases, rollouts: running, groups: this.o.spec().governance.groups, catalog: this.o.catalog(),
        previousStable: previousStableOf(stableHistory),
      }),
    );
  }

  /** (Re)starts the live analysis on `clock` every `rollouts.interval`. */
  schedule(clock: Clock): void {
    this.timer?.cancel();
    this.clock = clock;
    if (this.closed) return;
    this.timer = clock.setTimer(() => {
      this.timer = null;
      void this.tick().finally(() => {
        if (!this.closed && this.timer === null) this.schedule(this.clock);
      });
    }, this.o.spec().rollouts.interval);
  }

  /** Runs one analysis round now (waiting for a running one first). */
  async tick(): Promise<Awaited<ReturnType<RolloutService['tick']>>> {
    while (this.ticking) await this.ticking;
    const p = this.rollouts.tick();
    this.ticking = p;
    try {
      return await p;
    } finally {
      this.ticking = null;
    }
  }

  /** Resolves when no analysis round is running. */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking.catch(() => {});
  }

  /**
   * Which version each agent used at time `at` (default now): the aliases in force then and the
   * rollouts running then, applied to the spec's agents and any `agents` given as `team/agent`.
   */
  async agentsAt(at: number = this.clock.now(), extra: readonly { agent: string; team: string; tenant?: string }[] = []): Promise<AgentVersion[]> {
    const spec = this.o.spec();
    const hist = await this.ctx.registry.history({ to: at });
    const latest = new Map<string, ModelAlias>();
    for (const h of hist) latest.set(`${h.scope}\u0000${h.name}`, { scope: h.scope, name: h.name, version: h.version, updatedAt: h.ts });
    const aliases = [...latest.values()].filter((a) => a.version);
    const all: Rollout[] = await this.ctx.rollouts.list({ limit: 10_000 });
    const running = all.filter((r) => r.startedAt <= at && (r.decidedAt === null || r.decidedAt > at) && !(r.decidedAt === r.startedAt && r.status === 'rolled_back'));
    const versions = new Map((await this.ctx.registry.listVersions()).map((v) => [v.id, v]));
    const router = new RolloutRouter();
    router.load(compileRouteIndex({ versions, aliases, rollouts: running, groups: spec.governance.groups, catalog: this.o.catalog(), previousStable: previousStableOf(hist.filter((h) => h.name === 'stable')) }));
    const agents = [
      ...Object.entries(spec.agents).map(([agent, a]) => ({ agent, team: a.team, tenant: spec.teams[a.team]?.tenant ?? 'default' })),
      ...extra.map((e) => ({ agent: e.agent, team: e.team, tenant: e.tenant ?? spec.teams[e.team]?.tenant ?? 'default' })),
    ];
    return agents.map(({ agent, team, tenant }) => {
      const d = router.route({ agent, team, tenant, session: null, tags: {} }, 'stable');
      const data = d?.reason.data as { scope?: string } | undefined;
      return { agent, team, tenant, version: d?.version ?? null, arm: d?.arm ?? null, rollout: d?.rolloutId ?? null, scope: data?.scope ?? null };
    });
  }

  /** A rollout's requests with their outcomes (pending usage and facts written first). */
  async samples(rolloutId: string): Promise<RolloutSample[]> {
    await (this.o.flushUsage ?? (async () => {}))();
    await this.facts.flush();
    return this.ctx.rollouts.samples(rolloutId);
  }

  /** The time on the governance clock. */
  now(): number {
    return this.clock.now();
  }

  /** The spec in force. */
  specNow(): Spec {
    return this.o.spec();
  }

  /** Alias changes, oldest first (of one scope, or all). */
  aliasHistory(scope?: string): Promise<AliasChange[]> {
    return this.ctx.registry.history(scope ? { scope } : {});
  }

  /** A rollout's events, oldest first. */
  events(rolloutId: string): Promise<RolloutEvent[]> {
    return this.ctx.rollouts.events([rolloutId]);
  }

  /** Stops the schedule and writes pending facts. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
    await this.idle();
    await this.facts.close();
  }
}

/** Versions each scope's `stable` alias pointed at, from its history. */
function previousStableOf(history: readonly AliasChange[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const h of history) {
    if (h.name !== 'stable') continue;
    const list = out.get(h.scope) ?? [];
    for (const v of [h.previous, h.version]) if (v && !list.includes(v)) list.push(v);
    out.set(h.scope, list);
  }
  return out;
}
