/**
 * The goal controller of a live node (`daca up`): on every evaluation it reads each goal of the
 * spec in force (a live apply changes them at once), keeps its attainment over the goal's window,
 * acts within the spec's constraints, and records and explains every action (kept in memory for
 * `GET /api/ops/goals` and appended to the audit ledger).
 *
 * Actions on a node, both for `cost_per_day_usd` goals, cheaper work before paused work:
 * - `downgrade_model`: once the day's spend in the goal's scope reaches `downgrade.at_percent`
 *   (default 80) of the target, the node's gateway answers chat calls in that scope with
 *   `downgrade.to` instead of the model they ask for (a {@link ModelDowngrades} entry), until the
 *   UTC day turns or the goal leaves the spec or stops allowing it (then `restore`);
 * - `defer`: once it reaches `defer.at_percent` (default 90), the goal's non-urgent agents
 *   (`defer.agents`) are paused through the kill switch, and resumed when the UTC day turns.
 *
 * The other actions (`spawn`, `reap`, `concurrency`, `failover`) act in the simulated weeks only.
 * The controller never raises a budget or a limit: when a goal is missed and no allowed action can
 * close the gap inside the limits, it asks a person once per episode — exactly one alert
 * (`goal:<id>`) and one approval request — and clears the alert when the goal is met again.
 */
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import type { KillSwitch } from '../../guardrails/kill-switch/kill-switch.js';
import type { ModelDowngrades } from '../../gateway/model-downgrades.js';
import type { Spec } from '../../spec/schema.js';
import type { AlertEngine } from '../../telemetry/alerts/alert-engine.js';
import type { GoalMeter, GoalReading } from './goal-meter.js';
import { formatGoalValue, GOAL_METRICS, goalMet, type GoalAction, type GoalSpec } from './goal-spec.js';

/** Kinds of action the node's controller records. */
export type GoalActionKind = 'downgrade' | 'restore' | 'defer' | 'resume' | 'alert' | 'approval' | 'recovered';

/** One recorded action with its explanation. */
export interface GoalActionRecord {
  /** ms since the epoch. */
  at: number;
  goal: string;
  kind: GoalActionKind;
  /** What it acted on (agents, `<scope> -> <model>` for downgrades, `alert:<id>`, `approval:<id>`). */
  target: string;
  explanation: string;
}

/** A goal's state after an evaluation. */
export interface GoalStatus {
  id: string;
  metric: GoalSpec['metric'];
  direction: 'at_least' | 'at_most';
  target: number;
  window_ms: number;
  scope: GoalSpec['scope'];
  /** The last reading; null without data. */
  value: number | null;
  /** Null without data. */
  met: boolean | null;
  /** Share of this window's evaluations (with data) that met the target; null before any. */
  attainment: number | null;
  evaluations: number;
  detail: string;
  /** Open request for a person, when the goal cannot be met inside its limits. */
  escalation: { alert: string; approval: string; since: number } | null;
  /** The model answering calls in the goal's scope instead of the requested one, since when; null when none. */
  downgraded: { to: string; since: number } | null;
  deferred: string[];
}

/** What the controller acts through. */
export interface GoalRunnerDeps {
  spec: () => Pick<Spec, 'goals'>;
  meter: GoalMeter;
  now: () => number;
  alerts: Pick<AlertEngine, 'raise' | 'clear'>;
  approvals: Pick<ApprovalService, 'requestOnce'>;
  killSwitch: Pick<KillSwitch, 'suspend' | 'resume'>;
  /** The node's downgrades, read by its gateway (`downgrade_model`). */
  downgrades: Pick<ModelDowngrades, 'set' | 'clear'>;
  /** Called with every action (the node appends it to the audit ledger). */
  onAction?: (a: GoalActionRecord) => void;
  onError?: (e: unknown) => void;
}

interface GoalState {
  history: { at: number; met: boolean }[];
  last: GoalReading | null;
  escalation: GoalStatus['escalation'];
  deferred: { agents: string[]; day: number } | null;
  downgraded: { to: string; scope: GoalSpec['scope']; day: number; since: number } | null;
}

const DAY_MS = 86_400_000;
const MAX_ACTIONS = 1000;
const BY = 'goal-controller';

/** See the module comment. */
export class GoalRunner {
  private readonly state = new Map<string, GoalState>();
  private readonly log: GoalActionRecord[] = [];
  private running: Promise<GoalStatus[]> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastAt: number | null = null;

  constructor(private readonly deps: GoalRunnerDeps) {}

  /** The recorded actions, oldest first (the last 1000). */
  get actions(): readonly GoalActionRecord[] {
    return this.log;
  }

  /** When the last evaluation ran (ms), or null. */
  get evaluatedAt(): number | null {
    return this.lastAt;
  }

  /** Evaluates every goal now (concurrent calls share one evaluation). */
  evaluate(): Promise<GoalStatus[]> {
    this.running ??= this.evaluateNow().finally(() => void (this.running = null));
    return this.running;
  }

  /** Evaluates every `everyMs` until {@link GoalRunner.stop}. */
  start(everyMs: number): this {
    this.timer ??= setInterval(() => void this.evaluate().catch((e: unknown) => this.deps.onError?.(e)), everyMs);
    this.timer.unref?.();
    return this;
  }

  /** Stops the schedule. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The goals' states as of the last evaluation. */
  status(): GoalStatus[] {
    return Object.entries(this.deps.spec().goals).map(([id, g]) => this.view(id, g, this.state.get(id)));
  }

  private async evaluateNow(): Promise<GoalStatus[]> {
    const now = this.deps.now();
    const goals = this.deps.spec().goals;
    for (const id of [...this.state.keys()]) if (!goals[id]) await this.forget(id, now);
    for (const [id, g] of Object.entries(goals)) {
      const st = this.state.get(id) ?? { history: [], last: null, escalation: null, deferred: null, downgraded: null };
      this.state.set(id, st);
      try {
        await this.evaluateGoal(id, g, st, now);
      } catch (e) {
        this.deps.onError?.(e);
      }
    }
    this.lastAt = now;
    return this.status();
  }

  private async evaluateGoal(id: string, g: GoalSpec, st: GoalState, now: number): Promise<void> {
    const r = await this.deps.meter.read(g, now);
    st.last = r;
    if (st.deferred && Math.floor(now / DAY_MS) !== st.deferred.day) await this.resumeDeferred(id, st, now, 'a new UTC day began');
    if (st.downgraded && Math.floor(now / DAY_MS) !== st.downgraded.day) this.restore(id, st, now, 'a new UTC day began');
    if (st.downgraded && !downgrades(g)) this.restore(id, st, now, 'the goal no longer allows downgrade_model');
    if (r.value === null) return;
    const met = goalMet(g, r.value);
    st.history.push({ at: now, met });
    while (st.history.length && st.history[0]!.at < now - g.window) st.history.shift();
    const shown = `${formatGoalValue(g.metric, r.value)} against a target of ${GOAL_METRICS[g.metric].direction === 'at_least' ? 'at least' : 'at most'} ${formatGoalValue(g.metric, g.target)}`;
    if (downgrades(g)) this.downgrade(id, g, st, now, r, shown);
    if (g.metric === 'cost_per_day_usd' && g.actions.includes('defer') && g.defer) {
      const at = (g.target * g.defer.at_percent) / 100;
      const fresh = g.defer.agents.filter((a) => !st.deferred?.agents.includes(a));
      if (r.value >= at && fresh.length) {
        for (const a of fresh) await this.deps.killSwitch.suspend({ kind: 'agent', subject: a, reason: `deferred by goal ${id} until the UTC day ends`, by: BY });
        st.deferred = { agents: [...(st.deferred?.agents ?? []), ...fresh], day: Math.floor(now / DAY_MS) };
        this.record({ at: now, goal: id, kind: 'defer', target: fresh.join(', '), explanation: `deferred ${fresh.length} non-urgent agent${fresh.length > 1 ? 's' : ''} (${fresh.join(', ')}) until the UTC day ends: ${shown}, past the ${g.defer.at_percent}% defer threshold (${r.detail})` });
      }
    }
    if (met) {
      if (st.escalation) {
        await this.deps.alerts.clear(`goal:${id}`, id);
        this.record({ at: now, goal: id, kind: 'recovered', target: `alert:${st.escalation.alert}`, explanation: `goal met again: ${shown}; alert resolved` });
        st.escalation = null;
      }
      return;
    }
    if (st.escalation || !g.escalate) return;
    await this.escalate(id, g, st, now, `${shown}. ${this.whyNoAction(g, st, r)}`);
  }

  /** Why no allowed action can close the gap (the text of the request for a person). */
  private whyNoAction(g: GoalSpec, st: GoalState, r: GoalReading): string {
    const parts: string[] = [];
    const budget = r.failures?.budget_exceeded ?? 0;
    if (budget) parts.push(`${budget} requests were rejected by a hard budget, and the controller does not spend past a budget`);
    const limited = r.failures?.rate_limit_exceeded ?? 0;
    if (limited) parts.push(`${limited} requests were rejected by a rate limit`);
    if (g.metric === 'cost_per_day_usd') {
      if (st.downgraded) parts.push(`model calls in its scope are already answered by '${st.downgraded.to}'`);
      parts.push(st.deferred ? `every deferrable agent (${st.deferred.agents.join(', ')}) is already paused` : 'no deferrable agents are declared (defer.agents)');
    }
    const live: readonly GoalAction[] = g.metric === 'cost_per_day_usd' ? ['defer', 'downgrade_model'] : [];
    const simulated = g.actions.filter((a) => !live.includes(a));
    if (simulated.length) parts.push(`${simulated.join(', ')} act${simulated.length === 1 ? 's' : ''} on simulated workloads, not on this node`);
    if (!g.actions.length) parts.push('the goal allows no actions');
    return `No allowed action can meet it inside the limits: ${parts.join('; ') || 'the allowed actions are exhausted'} (${r.detail}).`;
  }

  /** One alert and one approval request for a goal (adopting ones another node already opened). */
  private async escalate(id: string, g: GoalSpec, st: GoalState, now: number, why: string): Promise<void> {
    const message = `goal ${id} cannot be met inside its limits: ${why}`;
    const { alert, fired } = await this.deps.alerts.raise({ rule: `goal:${id}`, severity: 'critical', subjectId: id, value: st.last?.value ?? null, threshold: g.target, message });
    // One approval per alert: its id comes from the alert's, which every node adopts from the
    // store, so two nodes escalating at once insert one approval and the second adopts it.
    const { approval, created } = await this.deps.approvals.requestOnce(
      `apr_goal_${alert.id}`,
      {
        subject: { keyId: BY, tenant: g.scope.tenant ?? 'default', team: g.scope.team ?? '', agent: g.scope.agent ?? BY, session: null },
        request: { model: '(goal)', messages: [{ role: 'user', content: `Approve a change of limits for goal ${id}, or of the goal itself. ${message}` }] },
      },
      { ruleId: `goal:${id}`, reason: message },
    );
    st.escalation = { alert: alert.id, approval: approval.id, since: now };
    if (fired) this.record({ at: now, goal: id, kind: 'alert', target: `alert:${alert.id}`, explanation: message });
    if (created) this.record({ at: now, goal: id, kind: 'approval', target: `approval:${approval.id}`, explanation: `asked a person to approve a change of limits or of the goal (approval ${approval.id})` });
  }

  /**
   * Moves the goal's scope to `downgrade.to` once the day's spend reaches `downgrade.at_percent` of
   * the target; while in force, follows a live apply that changed the model or the scope.
   */
  private downgrade(id: string, g: GoalSpec & { downgrade: NonNullable<GoalSpec['downgrade']> }, st: GoalState, now: number, r: GoalReading, shown: string): void {
    const { to, at_percent } = g.downgrade;
    if (st.downgraded) {
      if (st.downgraded.to === to && JSON.stringify(st.downgraded.scope) === JSON.stringify(g.scope)) return;
    } else if (r.value === null || r.value < (g.target * at_percent) / 100) return;
    const reason = `goal ${id}: today's spend reached ${at_percent}% of its ${formatGoalValue(g.metric, g.target)} daily target`;
    const changed = st.downgraded !== null;
    const since = st.downgraded?.since ?? now;
    this.deps.downgrades.set({ owner: id, scope: g.scope, to, reason, since });
    st.downgraded = { to, scope: { ...g.scope }, day: Math.floor(now / DAY_MS), since };
    this.record({
      at: now, goal: id, kind: 'downgrade', target: `${scopeText(g.scope)} -> ${to}`,
      explanation: changed
        ? `the goal changed: model calls of ${scopeText(g.scope)} are now answered by '${to}' until the UTC day ends`
        : `model calls of ${scopeText(g.scope)} are answered by '${to}' instead of the model they ask for (when dearer) until the UTC day ends: ${shown}, past the ${at_percent}% downgrade threshold (${r.detail})`,
    });
  }

  /** Lifts the goal's downgrade: calls get the model they ask for again. */
  private restore(id: string, st: GoalState, now: number, why: string): void {
    const d = st.downgraded;
    if (!d) return;
    this.deps.downgrades.clear(id);
    st.downgraded = null;
    const scope = scopeText(d.scope);
    this.record({ at: now, goal: id, kind: 'restore', target: `${scope} -> ${d.to}`, explanation: `model calls of ${scope} get the model they ask for again (no longer '${d.to}'): ${why}` });
  }

  private async resumeDeferred(id: string, st: GoalState, now: number, why: string): Promise<void> {
    const agents = st.deferred?.agents ?? [];
    for (const a of agents) await this.deps.killSwitch.resume('agent', a);
    st.deferred = null;
    if (agents.length) this.record({ at: now, goal: id, kind: 'resume', target: agents.join(', '), explanation: `resumed deferred agents (${agents.join(', ')}): ${why}` });
  }

  /** A goal left the spec: its downgrade is lifted, its deferred agents resume and its alert resolves. */
  private async forget(id: string, now: number): Promise<void> {
    const st = this.state.get(id)!;
    this.state.delete(id);
    this.restore(id, st, now, 'the goal left the spec');
    try {
      await this.resumeDeferred(id, st, now, 'the goal left the spec');
      if (st.escalation) await this.deps.alerts.clear(`goal:${id}`, id);
    } catch (e) {
      this.deps.onError?.(e);
    }
  }

  private record(a: GoalActionRecord): void {
    this.log.push(a);
    if (this.log.length > MAX_ACTIONS) this.log.splice(0, this.log.length - MAX_ACTIONS);
    this.deps.onAction?.(a);
  }

  private view(id: string, g: GoalSpec, st: GoalState | undefined): GoalStatus {
    const h = st?.history ?? [];
    const value = st?.last?.value ?? null;
    return {
      id, metric: g.metric, direction: GOAL_METRICS[g.metric].direction, target: g.target, window_ms: g.window, scope: g.scope,
      value, met: value === null ? null : goalMet(g, value),
      attainment: h.length ? h.filter((x) => x.met).length / h.length : null,
      evaluations: h.length,
      detail: st?.last?.detail ?? 'not evaluated yet',
      escalation: st?.escalation ?? null,
      downgraded: st?.downgraded ? { to: st.downgraded.to, since: st.downgraded.since } : null,
      deferred: st?.deferred?.agents ?? [],
    };
  }
}

/** Whether a goal has the controller downgrade models on a node (a spend goal allowing `downgrade_model`). */
function downgrades(g: GoalSpec): g is GoalSpec & { downgrade: NonNullable<GoalSpec['downgrade']> } {
  return g.metric === 'cost_per_day_usd' && g.actions.includes('downgrade_model') && g.downgrade !== undefined;
}

/** A goal's scope in words: `tenant acme, team ops`, or `the whole node`. */
function scopeText(s: GoalSpec['scope']): string {
  const parts = [s.tenant && `tenant ${s.tenant}`, s.team && `team ${s.team}`, s.agent && `agent ${s.agent}`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'the whole node';
}
