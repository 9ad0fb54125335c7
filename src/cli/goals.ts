/**
 * `daca goals`: the running node's goals (value against target, attainment over the window, open
 * escalations, the model a spend goal downgraded to, deferred agents) and the goal controller's
 * recent actions with their explanations, from `/api/ops/goals`.
 */
import type { Command } from 'commander';
import { formatGoalValue, type GoalMetric } from '../ops/goals/goal-spec.js';
import { adminFetch, adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { table } from './format.js';

interface GoalsFlags extends ConnectionFlags {
  evaluate?: boolean;
  limit: string;
  json?: boolean;
}

interface GoalRow {
  id: string;
  metric: GoalMetric;
  direction: 'at_least' | 'at_most';
  target: number;
  value: number | null;
  met: boolean | null;
  attainment: number | null;
  detail: string;
  escalation: { alert: string; approval: string } | null;
  downgraded: { to: string; since: string } | null;
  deferred: string[];
}

interface GoalsAnswer {
  evaluated_at: string | null;
  goals: GoalRow[];
  actions: { at: string; goal: string; kind: string; target: string; explanation: string }[];
}

/** The goals answer as text: one table of goals, then the actions, newest last. */
export function formatGoals(r: GoalsAnswer): string {
  if (!r.goals.length) return 'no goals in the spec in force (add a `goals:` section; see the README)';
  const rows = r.goals.map((g) => ({
    goal: g.id,
    metric: g.metric,
    target: `${g.direction === 'at_least' ? '>=' : '<='} ${formatGoalValue(g.metric, g.target)}`,
    value: g.value === null ? 'no data' : formatGoalValue(g.metric, g.value),
    status: g.met === null ? '-' : g.met ? 'met' : g.escalation ? 'MISSED, escalated' : 'MISSED',
    attainment: g.attainment === null ? '-' : `${(g.attainment * 100).toFixed(1)}%`,
    downgraded: g.downgraded?.to ?? '',
    deferred: g.deferred.join(' '),
  }));
  const lines = [`evaluated: ${r.evaluated_at ?? 'not yet'}`, table(rows)];
  for (const g of r.goals) if (g.escalation) lines.push(`${g.id}: alert ${g.escalation.alert}, approval ${g.escalation.approval} (daca approvals list)`);
  lines.push('', r.actions.length ? `actions (${r.actions.length}):` : 'no actions yet');
  for (const a of r.actions) lines.push(`  ${a.at.replace('T', ' ').slice(0, 19)}  ${a.goal}  ${a.kind} ${a.target}: ${a.explanation}`);
  return lines.join('\n');
}

/** Registers `daca goals`. */
export function registerGoals(program: Command): void {
  withConnection(
    program
      .command('goals')
      .description("the spec's goals on a running node: value against target, attainment, escalations, and the controller's actions")
      .option('--evaluate', 'evaluate every goal now (the controller acts as it would on its schedule)')
      .option('--limit <n>', 'most recent actions to show', '20')
      .option('--json', 'print JSON (the /api/ops/goals answer)'),
  ).action(async (f: GoalsFlags) => {
    const n = Number(f.limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError(`--limit must be an integer from 1 to 1000 (got '${f.limit}')`);
    const r = await adminFetch<GoalsAnswer>(adminTarget(f), `/api/ops/goals${f.evaluate ? '/evaluate' : ''}?limit=${n}`, f.evaluate ? { method: 'POST' } : {});
    process.stdout.write(f.json ? JSON.stringify(r, null, 2) + '\n' : formatGoals(r) + '\n');
  });
}
