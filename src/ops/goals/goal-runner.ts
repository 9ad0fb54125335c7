/**
 * The goal controller of a live node (`daca up`): on every evaluation it reads each goal of the
 * spec in force (a live apply changes them at once), keeps its attainment over the goal's window,
 * acts within the spec's constraints, and records and explains every action (kept in memory for
 * `GET /api/ops/goals` and appended to the audit ledger).
 *
 * Actions on a node: `defer` pauses a goal's non-urgent agents (`defer.agents`, through the kill
 * switch) once the day's spend reaches `defer.at_percent` of a `cost_per_day_usd` target, and
 * resumes them when the UTC day turns. The controller never raises a budget or a limit: when a
 * goal is missed and no allowed action can close the gap inside the limits, it asks a person once
 * per episode — exactly one alert (`goal:<id>`) and one approval request — and clears the alert
 * when the goal is met again.
 */
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import type { KillSwitch } from '../../guardrails/kill-switch/kill-switch.js';
import type { Spec } from '../../spec/schema.js';
import type { AlertEngine } from '../../telemetry/alerts/alert-engine.js';
import type { GoalMeter, GoalReading } from './goal-meter.js';
import { formatGoalValue, GOAL_METRICS, goalMet, type GoalSpec } from './goal-spec.js';

/** Kinds of action the node's controller records. */
export type GoalActionKind = 'defer' | 'resume' | 'alert' | 'approval' | 'recovered';

/** One recorded action with its explanation. */
export interface GoalActionRecord {
  /** ms since the epoch. */
  at: number;
  goal: string;
  kind: GoalActionKind;
  /** What it acted on (agents, `alert:<id>`, `approval:<id>`). */
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
  /** Called with every action (the node appends it to the audit ledger). */
  onAction?: (a: GoalActionRecord) => void;
  onError?: (e: unknown) => void;
}

interface GoalState {
  history: { at: number; met: boolean }[];
  last: GoalReading | null;
  escalation: GoalStatus['escalation'];
  deferred: { agents: string[]; day: number } | null;
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
      const st = this.state.get(id) ?? { history: [], last: null, escalation: null, deferred: null };
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
    if (r.value === null) return;
    const met = goalMet(g, r.value);
    st.history.push({ at: now, met });
    while (st.history.length && st.history[0]!.at < now - g.window) st.history.shift();
    const shown = `${formatGoalValue(g.metric, r.value)} against a target of ${GOAL_METRICS[g.metric].direction === 'at_least' ? 'at least' : 'at most'} ${formatGoalValue(g.metric, g.target)}`;
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
    if (g.metric === 'cost_per_day_usd') parts.push(st.deferred ? `every deferrable agent (${st.deferred.agents.join(', ')}) is already paused` : 'no deferrable agents are declared (defer.agents)');
    const node = g.actions.filter((a) => a !== 'defer');
    if (node.length) parts.push(`${node.join(', ')} act${node.length === 1 ? 's' : ''} on simulated workloads, not on this node`);
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

  private async resumeDeferred(id: string, st: GoalState, now: number, why: string): Promise<void> {
    const agents = st.deferred?.agents ?? [];
    for (const a of agents) await this.deps.killSwitch.resume('agent', a);
    st.deferred = null;
    if (agents.length) this.record({ at: now, goal: id, kind: 'resume', target: agents.join(', '), explanation: `resumed deferred agents (${agents.join(', ')}): ${why}` });
  }

  /** A goal left the spec: its deferred agents resume and its alert resolves. */
  private async forget(id: string, now: number): Promise<void> {
    const st = this.state.get(id)!;
    this.state.delete(id);
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
      deferred: st?.deferred?.agents ?? [],
    };
  }
}
