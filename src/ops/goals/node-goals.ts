/**
 * The goal controller of a node: one {@link GoalRunner} per node, reading the spec in force (so a
 * live apply changes the goals at once), measuring from the node's usage rows and approvals, acting
 * through its model downgrades, kill switch, alerts and approvals, and appending every action to
 * the audit ledger.
 * `startDaca` starts it (every `DACA_GOALS_EVERY_MS`, default 15 s) and stops it on shutdown.
 */
import { auditOf } from '../../compliance/node-audit.js';
import { modelDowngradesOf } from '../../gateway/model-downgrades.js';
import type { Services } from '../../server/services.js';
import { GoalMeter, type GoalSource } from './goal-meter.js';
import { GoalRunner, type GoalActionRecord } from './goal-runner.js';
import type { GoalMetric } from './goal-spec.js';

const runners = new WeakMap<object, GoalRunner>();
const sources = new WeakMap<object, Map<GoalMetric, GoalSource>>();

/** Sources of metrics the node's usage rows do not hold (registered by the workloads that produce them). */
export function goalSourcesOf(s: Pick<Services, 'store'>): Map<GoalMetric, GoalSource> {
  let m = sources.get(s.store);
  if (!m) sources.set(s.store, (m = new Map()));
  return m;
}

/** The node's goal controller (created on first use; not started). */
export function goalsOf(s: Services): GoalRunner {
  let r = runners.get(s.store);
  if (r) return r;
  const meter = new GoalMeter({
    usage: async (f) => (await s.observability.analytics.window(f)).rows,
    pendingApprovals: async (scope) => {
      const list = await s.engines.approvals.list({ status: 'pending', limit: 10_000, ...(scope.tenant ? { tenant: scope.tenant } : {}), ...(scope.agent ? { agent: scope.agent } : {}) });
      return list.filter((a) => !a.ruleId.startsWith('goal:') && (!scope.team || a.subject.team === scope.team)).length;
    },
    sources: goalSourcesOf(s),
  });
  const audit = (a: GoalActionRecord): void => {
    void auditOf(s)
      .then((l) => l.append({
        kind: 'agent_decision', tenant: 'default', actor: { kind: 'system', id: 'goal-controller' },
        decision: { action: 'recorded', summary: `${a.kind} ${a.target}: ${a.explanation}` },
        detail: { goal: a.goal, action: a.kind, target: a.target },
      }))
      .catch((e: unknown) => s.logger.error({ err: e }, 'audit of a goal action failed'));
  };
  r = new GoalRunner({
    spec: () => s.spec.spec,
    meter,
    now: Date.now,
    alerts: s.observability.alerts,
    approvals: s.engines.approvals,
    killSwitch: s.engines.killSwitch,
    downgrades: modelDowngradesOf(s),
    onAction: (a) => {
      s.logger.info({ goal: a.goal, action: a.kind, target: a.target }, `goal action: ${a.explanation}`);
      audit(a);
    },
    onError: (e) => s.logger.error({ err: e }, 'goal evaluation failed'),
  });
  runners.set(s.store, r);
  return r;
}

/** Stops the node's goal controller, if it was created. */
export function stopGoalsOf(s: Pick<Services, 'store'>): void {
  runners.get(s.store)?.stop();
}
