/**
 * Kysely table types of the budget ledger (migration 004). Money in integer micro-dollars, times
 * in ms since the epoch.
 */

/** `budget_usage`: one row per counter (scope, subject, window kind, window start). */
export interface BudgetUsageTable {
  scope: string;
  subject: string;
  window_kind: string;
  window_start: number;
  spent_micros: number;
  reserved_micros: number;
  /** The hard limit last used to reserve (for listings; the spec is the source of truth). */
  limit_micros: number;
  updated_at: number;
}

/** `budget_leases`: budget one node holds for one counter (counted in `reserved_micros`). */
export interface BudgetLeasesTable {
  id: string;
  scope: string;
  subject: string;
  window_kind: string;
  window_start: number;
  amount_micros: number;
  expires_at: number;
}

/** The budget ledger's tables. */
export type BudgetTables = {
  budget_usage: BudgetUsageTable;
  budget_leases: BudgetLeasesTable;
};
