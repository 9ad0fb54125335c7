/**
 * The governance domain: model versions, aliases per agent group, rollouts and their analyses.
 */
import type { AuditReason } from '../compliance/audit-types.js';
import type { VersionParams, VersionStatus } from './governance-spec.js';

export type { VersionParams, VersionStatus } from './governance-spec.js';

/** A registered model version. */
export interface ModelVersion {
  /** The version id, e.g. `v4`. */
  id: string;
  /** The spec model (or alias) requests of this version go to. */
  model: string;
  /** Provider id and the provider's model id, resolved when the version was registered. */
  provider: string;
  upstream: string;
  /** Request parameters this version pins. */
  params: VersionParams;
  /** Version of the prompt template shipped with this version. */
  promptVersion: string | null;
  status: VersionStatus;
  /** Eval run ids (src/evals stores) that measured this version. */
  evalRuns: string[];
  description: string | null;
  /** `spec` when declared in daca.yaml, `api` when registered at run time. */
  source: 'spec' | 'api';
  createdAt: number;
  updatedAt: number;
}

/**
 * Who a binding applies to: `agent:<id>`, `team:<id>`, `tenant:<id>`, `group:<name>` (a spec
 * `governance.groups` entry) or `all`.
 */
export type Scope = string;

/** An alias of a scope (`stable`, `canary`, or a named one) pointing at a version. */
export interface ModelAlias {
  scope: Scope;
  name: string;
  version: string;
  updatedAt: number;
}

/** One change of an alias, kept forever (which agents used which version when). */
export interface AliasChange {
  id: string;
  ts: number;
  scope: Scope;
  name: string;
  version: string;
  previous: string | null;
  rolloutId: string | null;
  actor: string;
  reason: string;
}

/** Lifecycle of a rollout. */
export type RolloutStatus = 'running' | 'promoted' | 'rolled_back';

/** How canary members are chosen: a sticky share of agents, or of traffic (sessions/requests). */
export type RolloutUnit = 'agents' | 'traffic';

/** A canary rollout of one version to one scope. */
export interface Rollout {
  id: string;
  scope: Scope;
  fromVersion: string;
  toVersion: string;
  /** Share of agents (or traffic) on the canary, in percent (0, 100]. */
  canaryPct: number;
  by: RolloutUnit;
  /** Hash salt: the same agents stay on the canary for the whole rollout. */
  salt: number;
  startedAt: number;
  endsAt: number;
  status: RolloutStatus;
  promoteIf: string | null;
  rollbackIf: string | null;
  gateSuite: string | null;
  /** The pre-start eval gate's verdict, when one ran. */
  gate: GateRecord | null;
  decidedAt: number | null;
  reason: string | null;
  /** The latest analysis. */
  analysis: RolloutAnalysis | null;
  actor: string;
}

/** What the eval gate said before a rollout started. */
export interface GateRecord {
  suite: string;
  passed: boolean;
  reasons: string[];
  baselineRun?: string;
  candidateRun?: string;
}

/** A step of a rollout, for `daca rollout history`. */
export interface RolloutEvent {
  id: string;
  rolloutId: string;
  ts: number;
  kind: 'started' | 'analysis' | 'promoted' | 'rolled_back' | 'gate_failed' | 'alias_set' | 'rollback';
  actor: string;
  summary: string;
  detail: Record<string, unknown>;
}

/** Which arm served a request. */
export type Arm = 'stable' | 'canary';

/**
 * What the rollout router decided for one request: the model to resolve instead of the requested
 * one, the version, the arm and the rollout. Precomputed and frozen: one object per arm and rollout.
 */
export interface RouteDecision {
  /** Spec model or alias to resolve. */
  readonly model: string;
  readonly version: string;
  readonly arm: Arm;
  /** Null when the request only followed a registry alias (no rollout running). */
  readonly rolloutId: string | null;
  /** Parameters the version pins (override the request's), or null. */
  readonly params: Readonly<VersionParams> | null;
  /** `canary` or `version`: for the call's `via`. */
  readonly via: 'canary' | 'version';
  /** The audit reason of this decision (push onto `call.reasons`). */
  readonly reason: AuditReason;
}

/** Per-arm figures of a rollout. */
export interface ArmStats {
  requests: number;
  errors: number;
  errorRate: number;
  blocks: number;
  blockRate: number;
  /** Requests with a success verdict (graded sample or feedback). */
  judged: number;
  successes: number;
  /** successes / judged, null when nothing was judged. */
  successRate: number | null;
  meanCostMicros: number;
  meanLatencyMs: number;
  p95LatencyMs: number;
}

/** One condition's evaluation. */
export interface ConditionCheck {
  condition: string;
  /** Whether the condition holds (for guards: breached; for promotion: met). */
  holds: boolean;
  /** Not enough data to decide yet. */
  pending: boolean;
  detail: string;
  p?: number;
}

/** A point of a canary-vs-stable series. */
export interface ArmSeriesPoint {
  ts: number;
  stable: ArmPoint;
  canary: ArmPoint;
}

/** One arm in one time bucket. */
export interface ArmPoint {
  requests: number;
  errorRate: number | null;
  successRate: number | null;
  meanLatencyMs: number | null;
  meanCostMicros: number | null;
}

/** The result of analysing a rollout. */
export interface RolloutAnalysis {
  at: number;
  stable: ArmStats;
  canary: ArmStats;
  /** Canary − stable success rate with a bootstrap interval, when both arms were judged. */
  successDiff: { estimate: number; lo: number; hi: number; p: number } | null;
  errorDiff: { estimate: number; p: number };
  costChange: { estimate: number; lo: number; hi: number } | null;
  latencyChange: { estimate: number; lo: number; hi: number } | null;
  guards: ConditionCheck[];
  promotion: ConditionCheck[];
  /** What the analysis recommends. */
  verdict: 'continue' | 'promote' | 'rollback';
  reason: string;
}
