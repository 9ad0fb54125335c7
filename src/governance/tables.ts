/**
 * Kysely table types of the governance tables (migration 008). JSON is stored as text, booleans as
 * 0/1, times as ms since the epoch.
 */

/** `model_versions`. */
export interface ModelVersionsTable {
  id: string;
  model: string;
  provider: string;
  upstream: string;
  params: string;
  prompt_version: string | null;
  status: string;
  eval_runs: string;
  description: string | null;
  source: string;
  created_at: number;
  updated_at: number;
}

/** `model_aliases`. */
export interface ModelAliasesTable {
  scope: string;
  name: string;
  version: string;
  updated_at: number;
}

/** `model_alias_history`. */
export interface ModelAliasHistoryTable {
  id: string;
  ts: number;
  scope: string;
  name: string;
  version: string;
  previous: string | null;
  rollout_id: string | null;
  actor: string;
  reason: string;
}

/** `rollouts`. */
export interface RolloutsTable {
  id: string;
  scope: string;
  from_version: string;
  to_version: string;
  canary_pct: number;
  unit: string;
  salt: number;
  started_at: number;
  ends_at: number;
  status: string;
  promote_if: string | null;
  rollback_if: string | null;
  gate_suite: string | null;
  gate: string | null;
  decided_at: number | null;
  reason: string | null;
  analysis: string | null;
  actor: string;
}

/** `rollout_events`. */
export interface RolloutEventsTable {
  id: string;
  rollout_id: string;
  ts: number;
  kind: string;
  actor: string;
  summary: string;
  detail: string;
}

/** `rollout_assignments`: the arm that served a request. */
export interface RolloutAssignmentsTable {
  request_id: string;
  rollout_id: string;
  arm: string;
  ts: number;
}

/** `rollout_grades`: a graded sample of rollout traffic. */
export interface RolloutGradesTable {
  request_id: string;
  rollout_id: string;
  arm: string;
  passed: number;
  score: number;
  ts: number;
}

/** The governance tables. */
export type GovernanceTables = {
  model_versions: ModelVersionsTable;
  model_aliases: ModelAliasesTable;
  model_alias_history: ModelAliasHistoryTable;
  rollouts: RolloutsTable;
  rollout_events: RolloutEventsTable;
  rollout_assignments: RolloutAssignmentsTable;
  rollout_grades: RolloutGradesTable;
};
