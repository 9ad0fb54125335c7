/**
 * What an autonomous week returns and how its summary reads (shared by `npm run bench:week` and
 * `daca demo marketplace|support --days N`).
 */
import type { OpsAction } from '../controller.js';
import type { WeekIncident } from '../week-report.js';

/** The figures of a marketplace week (the bench:week JSON line, in this order). */
export interface MarketWeekFigures {
  sim_days: number;
  wall_s: number;
  human_interventions: number;
  goal_attainment: number;
  cost_usd: number;
  budget_usd: number;
  compliance_violations: number;
  audit_verified: boolean;
  lost_or_doubled_deals: number;
  recoveries: number;
  recovery_p50_s: number;
}

/** The outcome of a week. */
export interface WeekResult<F> {
  figures: F;
  /** The HTML report's path. */
  report: string;
  actions: readonly OpsAction[];
  incidents: readonly WeekIncident[];
}

/** Options every week takes. */
export interface WeekOptions {
  days: number;
  seed: number;
  /** Folder of the HTML report (created). */
  out: string;
  /** One progress line per period. */
  log: (line: string) => void;
}

/** "actions: 49 (spawn, defer, …); incidents: 5". */
export function actionsLine(actions: readonly OpsAction[], incidents: readonly WeekIncident[]): string {
  return `actions: ${actions.length} (${[...new Set(actions.map((a) => a.kind))].join(', ')}); incidents: ${incidents.length}`;
}
