/**
 * The goal controller: measures goals (trades completed in time, spend per day) and acts within
 * the constraints: sizes the mediator pool to the demand (spawn / reap), moves negotiation work
 * between the model and rules under the daily budget (defers model work under budget pressure),
 * fails over from a provider that is down and back when it answers again, and takes a new model
 * version through an eval gate and a canary. Every action is recorded with its explanation; a
 * request for a human is recorded only when a goal cannot be met inside the limits.
 */

/** The goals the controller keeps. */
export interface OpsGoals {
  /** Share of feasible trades to complete in time (e.g. 0.95). */
  tradeTarget: number;
  /** "in time", ms (e.g. 10 minutes). */
  tradeWithinMs: number;
  /** Spend limit of a (simulated) day, micro-USD. */
  dailyBudgetMicros: (day: number) => number;
}

/** Kinds of automatic action. */
export type OpsActionKind = 'spawn' | 'reap' | 'failover' | 'restore' | 'defer' | 'resume' | 'downgrade' | 'upgrade' | 'concurrency' | 'eval-gate' | 'canary' | 'promote' | 'rollback' | 'alert';

/** One recorded action. */
export interface OpsAction {
  /** Simulated ms since the start. */
  at: number;
  kind: OpsActionKind;
  target: string;
  explanation: string;
}

/** Limits the controller stays within. */
export interface ControllerLimits {
  minMediators: number;
  maxMediators: number;
  /** Needs per mediator-hour the pool is sized for. */
  needsPerMediatorHour: number;
  /** Largest share of negotiation moves made by the model. */
  maxModelShare: number;
}

/** Canary evidence for one model. */
export interface ModelEvidence {
  calls: number;
  errors: number;
  /** Mean micro-USD per call. */
  costMicros: number;
}

/** See the module comment. */
export class GoalController {
  readonly actions: OpsAction[] = [];
  /** Requests for a person (alert + approval); 0 when every goal is met inside the limits. */
  humanRequests = 0;
  private mediators: number;

  constructor(readonly goals: OpsGoals, readonly limits: ControllerLimits) {
    this.mediators = limits.minMediators;
  }

  /** Records an action. */
  record(at: number, kind: OpsActionKind, target: string, explanation: string): OpsAction {
    const a = { at, kind, target, explanation };
    this.actions.push(a);
    return a;
  }

  /** The mediator count for the next period from the forecast demand; records a spawn or reap. */
  sizeMediators(at: number, forecastNeedsPerHour: number): number {
    const l = this.limits;
    const want = Math.min(l.maxMediators, Math.max(l.minMediators, Math.ceil((forecastNeedsPerHour * 1.5) / l.needsPerMediatorHour)));
    if (want > this.mediators) this.record(at, 'spawn', 'mediator', `spawned ${want - this.mediators} mediators (${this.mediators} → ${want}): forecast ${Math.round(forecastNeedsPerHour)} needs/h against ${this.mediators * l.needsPerMediatorHour} needs/h of capacity`);
    else if (want < this.mediators) this.record(at, 'reap', 'mediator', `reaped ${this.mediators - want} idle mediators (${this.mediators} → ${want}): forecast ${Math.round(forecastNeedsPerHour)} needs/h needs ${want * l.needsPerMediatorHour} needs/h of capacity`);
    this.mediators = want;
    return want;
  }

  /**
   * The model share for the next period: the most the rest of the day's budget allows, spread over
   * the periods left today. `costPerNeedAtFullShare` is micro-USD per need with every move by the model.
   */
  modelShare(at: number, day: number, spentTodayMicros: number, periodsLeftToday: number, forecastNeeds: number, costPerNeedAtFullShare: number, previous: number): number {
    const left = Math.max(0, this.goals.dailyBudgetMicros(day) * 0.9 - spentTodayMicros);
    const perPeriod = left / Math.max(1, periodsLeftToday);
    const affordable = costPerNeedAtFullShare > 0 && forecastNeeds > 0 ? perPeriod / (forecastNeeds * costPerNeedAtFullShare) : this.limits.maxModelShare;
    const share = Math.round(Math.min(this.limits.maxModelShare, Math.max(0, affordable)) * 1000) / 1000;
    const usd = (m: number): string => `$${(m / 1e6).toFixed(4)}`;
    if (share < previous - 0.01) this.record(at, 'defer', 'negotiation', `moved model negotiation to rules (share ${previous} → ${share}): ${usd(spentTodayMicros)} of ${usd(this.goals.dailyBudgetMicros(day))} spent today, ${periodsLeftToday} periods left`);
    else if (share > previous + 0.01) this.record(at, 'resume', 'negotiation', `resumed model negotiation (share ${previous} → ${share}): ${usd(left)} of today's budget left for ${periodsLeftToday} periods`);
    return share;
  }

  /** Decides the eval gate of a candidate model from offline evidence on the same prompts. */
  evalGate(at: number, candidate: string, stable: ModelEvidence, cand: ModelEvidence): boolean {
    const errRate = (e: ModelEvidence): number => (e.calls ? e.errors / e.calls : 1);
    const pass = cand.calls > 0 && errRate(cand) <= errRate(stable) + 0.02 && cand.costMicros <= stable.costMicros * 1.1;
    this.record(at, 'eval-gate', candidate, `${pass ? 'passed' : 'failed'}: ${cand.calls} eval prompts, errors ${(errRate(cand) * 100).toFixed(1)}% vs ${(errRate(stable) * 100).toFixed(1)}%, cost/call ${cand.costMicros.toFixed(1)} vs ${stable.costMicros.toFixed(1)} µ$`);
    return pass;
  }

  /** Promotes or rolls back a canary on its live evidence. */
  judgeCanary(at: number, candidate: string, stable: ModelEvidence, cand: ModelEvidence, minCalls: number): 'promote' | 'rollback' | 'wait' {
    if (cand.calls < minCalls) return 'wait';
    const rate = (e: ModelEvidence): number => (e.calls ? e.errors / e.calls : 0);
    const ok = rate(cand) <= rate(stable) + 0.02;
    this.record(at, ok ? 'promote' : 'rollback', candidate, `${ok ? 'promoted' : 'rolled back'} on ${cand.calls} canary calls: error rate ${(rate(cand) * 100).toFixed(1)}% vs stable ${(rate(stable) * 100).toFixed(1)}%`);
    return ok ? 'promote' : 'rollback';
  }

  /** Asks for a person: one alert and one approval, when a goal cannot be met inside the limits. */
  askHuman(at: number, goal: string, why: string): void {
    this.humanRequests++;
    this.record(at, 'alert', goal, `needs a person: ${why}`);
  }
}
