/**
 * Rollouts: start (after an optional eval gate), live analysis on a schedule, automatic promotion
 * and rollback, manual promote/rollback, instant rollback of a group to one of its last N stable
 * versions, and the history. Every step is stored as a rollout event and audited (`model_change`).
 */
import { randomInt } from 'node:crypto';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors.js';
import { analyseRollout } from './analysis.js';
import { parseConditions } from './conditions.js';
import { auditChange, type GovernanceContext } from './context.js';
import type { FactWriter } from './fact-writer.js';
import type { ModelRegistry } from './model-registry.js';
import { newId } from './registry-repo.js';
import { scopeOf } from './scope.js';
import type { AliasChange, GateRecord, ModelVersion, Rollout, RolloutAnalysis, RolloutEvent, RolloutUnit } from './types.js';

/** What starting a rollout takes. */
export interface StartRolloutInput {
  /** Agent group: `team:T`, `agent:A`, `tenant:X`, `group:G`, `all`, or a bare team/agent/group name. */
  group: string;
  /** The candidate version. */
  to: string;
  /** The version it replaces (default: the group's `stable` alias). */
  from?: string;
  /** Percent of agents (or traffic) on the canary, (0, 100]. */
  canaryPct: number;
  durationMs: number;
  by?: RolloutUnit;
  promoteIf?: string | null;
  rollbackIf?: string | null;
  /** Eval suite to gate the start on. */
  gateSuite?: string | null;
  /** The gate's verdict when the caller ran it (the CLI does). */
  gate?: GateRecord | null;
}

/** Runs the eval gate of a rollout start: baseline = stable version, candidate = the new one. */
export type GateRunner = (q: { suite: string; baseline: ModelVersion; candidate: ModelVersion }) => Promise<GateRecord>;

/** One line of a group's history. */
export interface TimelineEntry {
  /** Event or alias-change id (ids sort by creation). */
  id: string;
  ts: number;
  scope: string;
  kind: string;
  rollout: string | null;
  actor: string;
  summary: string;
}

/** Rollouts; see the module comment. */
export class RolloutService {
  constructor(
    private readonly ctx: GovernanceContext,
    private readonly registry: ModelRegistry,
    private readonly facts: FactWriter,
    private readonly flushUsage: () => Promise<void>,
  ) {}

  /** One rollout; throws NotFoundError. */
  async get(id: string): Promise<Rollout> {
    const r = await this.ctx.rollouts.get(id);
    if (!r) throw new NotFoundError(`no rollout '${id}'; see \`daca rollout status\``, { param: 'rollout' });
    return r;
  }

  /** Rollouts, newest first. */
  list(q: { status?: Rollout['status']; group?: string; limit?: number } = {}): Promise<Rollout[]> {
    return this.ctx.rollouts.list({ ...(q.status ? { status: q.status } : {}), ...(q.group ? { scope: scopeOf(q.group, this.ctx.spec()) } : {}), ...(q.limit ? { limit: q.limit } : {}) });
  }

  /** The running rollout of a group, if any. */
  async running(group: string): Promise<Rollout | undefined> {
    return (await this.ctx.rollouts.list({ status: 'running', scope: scopeOf(group, this.ctx.spec()), limit: 1 }))[0];
  }

  private async event(r: Pick<Rollout, 'id' | 'scope'>, kind: RolloutEvent['kind'], actor: string, summary: string, detail: Record<string, unknown>, audit = true): Promise<void> {
    const at = this.ctx.clock().now();
    await this.ctx.rollouts.addEvent({ rolloutId: r.id, ts: at, kind, actor, summary, detail });
    if (audit) await auditChange(this.ctx, { scope: r.scope, actor, at, summary, detail: { change: `rollout_${kind}`, rollout: r.id, ...(JSON.parse(JSON.stringify(detail)) as Record<string, never>) } });
  }

  /**
   * Starts a canary rollout. Runs the eval gate first when `gateSuite` is set (a failed gate is
   * recorded as a rollout rolled back at start, and throws).
   */
  async start(input: StartRolloutInput, actor: string, runGate?: GateRunner): Promise<Rollout> {
    const spec = this.ctx.spec();
    const scope = scopeOf(input.group, spec);
    if (!(input.canaryPct > 0 && input.canaryPct <= 100)) throw new InvalidRequestError(`canary share must be in (0, 100] percent (got ${input.canaryPct})`, { param: 'canary' });
    if (!(input.durationMs > 0)) throw new InvalidRequestError('the rollout needs a positive duration (e.g. 7d)', { param: 'for' });
    const to = await this.registry.version(input.to);
    if (to.status === 'retired') throw new InvalidRequestError(`version '${to.id}' is retired`, { param: 'to' });
    const fromId = input.from ?? (await this.ctx.registry.aliasTarget(scope, 'stable'));
    if (!fromId) throw new InvalidRequestError(`${scope} has no stable version to roll out from; set one with \`daca models alias ${input.group} stable <version>\` or pass --from`, { param: 'from' });
    const from = await this.registry.version(fromId);
    if (from.id === to.id) throw new InvalidRequestError(`${scope} already runs version '${to.id}'`, { param: 'to' });
    if (await this.running(scope)) throw new ConflictError(`${scope} already has a running rollout; promote or roll it back first`, { param: 'group' });
    const cfg = spec.rollouts;
    const promoteIf = input.promoteIf !== undefined ? input.promoteIf : (cfg.promote_if ?? null);
    const rollbackIf = input.rollbackIf !== undefined ? input.rollbackIf : (cfg.rollback_if ?? null);
    parseConditions(promoteIf);
    parseConditions(rollbackIf);

    let gate = input.gate ?? null;
    if (input.gateSuite && !gate) {
      if (!runGate) throw new InvalidRequestError('an eval gate (--gate-suite) needs a gate runner: run `daca rollout start` from the CLI, which runs the gate first', { param: 'gate_suite' });
      gate = await runGate({ suite: input.gateSuite, baseline: from, candidate: to });
    }
    const at = this.ctx.clock().now();
    const r: Rollout = {
      id: newId('ro', at), scope, fromVersion: from.id, toVersion: to.id, canaryPct: input.canaryPct, by: input.by ?? 'agents', salt: randomInt(0, 0x7fffffff),
      startedAt: at, endsAt: at + input.durationMs, status: 'running', promoteIf, rollbackIf, gateSuite: input.gateSuite ?? gate?.suite ?? null, gate,
      decidedAt: null, reason: null, analysis: null, actor,
    };
    if (gate && !gate.passed) {
      const reason = `eval gate failed on suite ${gate.suite}: ${gate.reasons.join('; ') || 'candidate significantly worse'}`;
      await this.ctx.rollouts.insert({ ...r, status: 'rolled_back', decidedAt: at, reason });
      await this.event(r, 'gate_failed', actor, `${scope}: rollout of ${to.id} refused, ${reason}`, { from: from.id, to: to.id, gate });
      throw new InvalidRequestError(`rollout refused: ${reason}`, { param: 'gate_suite', details: { rollout: r.id, gate } });
    }
    await this.ctx.rollouts.insert(r);
    if (gate) await this.registry.update(to.id, { addEvalRuns: [gate.baselineRun, gate.candidateRun].filter((x): x is string => !!x) }, actor);
    await this.registry.setStatus(to.id, 'candidate');
    await this.ctx.registry.setAlias({ ts: at, scope, name: 'canary', version: to.id, rolloutId: r.id, actor, reason: `rollout ${r.id} started` });
    await this.event(r, 'started', actor, `${scope}: canary ${to.id} for ${input.canaryPct}% of ${r.by} (stable ${from.id}) until ${new Date(r.endsAt).toISOString()}`, {
      from: from.id, to: to.id, canary_pct: r.canaryPct, by: r.by, ends_at: r.endsAt, promote_if: promoteIf, rollback_if: rollbackIf, gate,
    });
    await this.ctx.reload();
    return r;
  }

  /** Analyses a rollout now (flushing pending usage and facts first) and stores the analysis. */
  async analyse(id: string): Promise<RolloutAnalysis> {
    const r = await this.get(id);
    await this.flushUsage();
    await this.facts.flush();
    const cfg = this.ctx.spec().rollouts;
    const now = this.ctx.clock().now();
    const samples = await this.ctx.rollouts.samples(id);
    const a = analyseRollout(samples, {
      alpha: cfg.alpha, minSamples: cfg.min_samples, guardMinSamples: cfg.guard_min_samples, guards: parseConditions(r.rollbackIf), promotion: parseConditions(r.promoteIf),
      ended: r.status === 'running' && now >= r.endsAt, now,
    });
    if (r.status === 'running') {
      await this.ctx.rollouts.saveAnalysis(id, a);
      if (r.analysis?.reason !== a.reason && a.verdict === 'continue')
        await this.event(r, 'analysis', 'system:rollout-analysis', `${r.scope}: ${a.reason}`, { canary: { ...a.canary }, stable: { ...a.stable } }, false);
    }
    return a;
  }

  /** Analyses every running rollout and acts on the verdicts; returns what was decided. */
  async tick(): Promise<{ rollout: string; verdict: RolloutAnalysis['verdict'] }[]> {
    await this.ctx.reload();
    const out: { rollout: string; verdict: RolloutAnalysis['verdict'] }[] = [];
    for (const r of await this.ctx.rollouts.list({ status: 'running' })) {
      try {
        const a = await this.analyse(r.id);
        if (a.verdict === 'rollback') await this.rollback(r.id, 'system:rollout-analysis', a.reason, a);
        else if (a.verdict === 'promote') await this.promote(r.id, 'system:rollout-analysis', a.reason, a);
        out.push({ rollout: r.id, verdict: a.verdict });
      } catch (e) {
        if (!(e instanceof ConflictError)) this.ctx.onError(e, `analysis of rollout ${r.id} failed`);
      }
    }
    return out;
  }

  /** Promotes the canary: it becomes the group's stable version. */
  async promote(id: string, actor: string, reason = 'promoted by an operator', analysis?: RolloutAnalysis): Promise<Rollout> {
    const r = await this.get(id);
    const at = this.ctx.clock().now();
    if (!(await this.ctx.rollouts.decide(id, 'promoted', at, reason))) throw new ConflictError(`rollout ${id} is ${r.status}, not running`);
    await this.ctx.registry.setAlias({ ts: at, scope: r.scope, name: 'stable', version: r.toVersion, rolloutId: id, actor, reason: `rollout ${id} promoted` });
    await this.ctx.registry.deleteAlias(r.scope, 'canary', at, actor, `rollout ${id} promoted`, id);
    await this.registry.setStatus(r.toVersion, 'stable');
    await this.retireBeyondKept(r.scope);
    await this.event(r, 'promoted', actor, `${r.scope}: ${r.toVersion} promoted to stable (was ${r.fromVersion}); ${reason}`, { from: r.fromVersion, to: r.toVersion, reason, ...(analysis ? { analysis: summary(analysis) } : {}) });
    await this.ctx.reload();
    return this.get(id);
  }

  /** Rolls the canary back: every agent of the group returns to the stable version at once. */
  async rollback(id: string, actor: string, reason = 'rolled back by an operator', analysis?: RolloutAnalysis): Promise<Rollout> {
    const r = await this.get(id);
    const at = this.ctx.clock().now();
    if (!(await this.ctx.rollouts.decide(id, 'rolled_back', at, reason))) throw new ConflictError(`rollout ${id} is ${r.status}, not running`);
    await this.ctx.reload(); // first: traffic returns to stable before anything else is written
    await this.ctx.registry.deleteAlias(r.scope, 'canary', at, actor, `rollout ${id} rolled back`, id);
    await this.registry.setStatus(r.toVersion, 'draft');
    await this.event(r, 'rolled_back', actor, `${r.scope}: canary ${r.toVersion} rolled back to ${r.fromVersion}; ${reason}`, { from: r.fromVersion, to: r.toVersion, reason, ...(analysis ? { analysis: summary(analysis) } : {}) });
    await this.ctx.reload();
    return this.get(id);
  }

  /** The group's last N stable versions, current first (N = `rollouts.keep_versions`). */
  async keptVersions(group: string): Promise<string[]> {
    const scope = scopeOf(group, this.ctx.spec());
    const n = this.ctx.spec().rollouts.keep_versions;
    const hist = await this.ctx.registry.history({ scope, name: 'stable' });
    const current = await this.ctx.registry.aliasTarget(scope, 'stable');
    const kept: string[] = current ? [current] : [];
    for (let i = hist.length - 1; i >= 0 && kept.length < n; i--) {
      const v = hist[i]!.version;
      if (v && !kept.includes(v)) kept.push(v);
    }
    return kept;
  }

  /**
   * `daca rollout rollback`: rolls back the group's running rollout, or else points its stable
   * alias back at a kept version (the previous one by default).
   */
  async rollbackGroup(group: string, actor: string, opts: { to?: string; reason?: string } = {}): Promise<{ rollout: Rollout | null; change: AliasChange | null }> {
    const scope = scopeOf(group, this.ctx.spec());
    const running = await this.running(scope);
    if (running && !opts.to) return { rollout: await this.rollback(running.id, actor, opts.reason ?? 'rolled back by an operator'), change: null };
    if (running) await this.rollback(running.id, actor, opts.reason ?? `rolled back by an operator to ${opts.to}`);
    const kept = await this.keptVersions(scope);
    const target = opts.to ?? kept[1];
    if (!target) throw new ConflictError(`${scope} has no earlier stable version to roll back to (kept: ${kept.join(', ') || 'none'})`);
    if (!kept.includes(target)) throw new InvalidRequestError(`${scope} keeps only its last ${kept.length} stable versions (${kept.join(', ')}); '${target}' is not one of them`, { param: 'to' });
    if (kept[0] === target) throw new ConflictError(`${scope} already runs '${target}'`);
    await this.registry.setStatus(target, 'stable');
    const change = await this.registry.setAlias(scope, 'stable', target, actor, opts.reason ?? `rollback from ${kept[0]}`);
    return { rollout: null, change };
  }

  private async retireBeyondKept(scope: string): Promise<void> {
    const kept = new Set(await this.keptVersions(scope));
    const inUse = new Set((await this.ctx.registry.listAliases()).map((a) => a.version));
    const live = await this.ctx.rollouts.list({ status: 'running' });
    for (const r of live) inUse.add(r.fromVersion).add(r.toVersion);
    const hist = await this.ctx.registry.history({ scope, name: 'stable' });
    for (const v of new Set(hist.map((h) => h.version).filter(Boolean))) if (!kept.has(v) && !inUse.has(v)) await this.registry.setStatus(v, 'retired');
  }

  /** A group's (or every) history: alias changes and rollout steps, oldest first. */
  async history(group?: string): Promise<TimelineEntry[]> {
    const scope = group === undefined ? undefined : scopeOf(group, this.ctx.spec());
    const rollouts = await this.ctx.rollouts.list({ ...(scope ? { scope } : {}), limit: 1000 });
    const events = await this.ctx.rollouts.events(rollouts.map((r) => r.id));
    const scopeOfRollout = new Map(rollouts.map((r) => [r.id, r.scope]));
    const changes = await this.ctx.registry.history(scope ? { scope } : {});
    const out: TimelineEntry[] = [
      ...events.map((e) => ({ id: e.id, ts: e.ts, scope: scopeOfRollout.get(e.rolloutId) ?? '', kind: e.kind, rollout: e.rolloutId, actor: e.actor, summary: e.summary })),
      ...changes
        .filter((c) => !c.rolloutId)
        .map((c) => ({ id: c.id, ts: c.ts, scope: c.scope, kind: c.version ? 'alias_set' : 'alias_removed', rollout: null, actor: c.actor, summary: `alias '${c.name}': ${c.previous ?? '(none)'} → ${c.version || '(removed)'} (${c.reason})` })),
    ];
    const seq = (id: string): string => id.slice(id.indexOf('_') + 1); // ids sort by creation after their prefix
    return out.sort((a, b) => a.ts - b.ts || (seq(a.id) < seq(b.id) ? -1 : seq(a.id) > seq(b.id) ? 1 : 0));
  }
}

function summary(a: RolloutAnalysis): Record<string, unknown> {
  return {
    stable: { requests: a.stable.requests, error_rate: a.stable.errorRate, success_rate: a.stable.successRate, judged: a.stable.judged },
    canary: { requests: a.canary.requests, error_rate: a.canary.errorRate, success_rate: a.canary.successRate, judged: a.canary.judged },
  };
}
