/**
 * The rollouts API as the dashboard uses it: the shapes of `/api/rollouts` and
 * `/api/rollouts/:id`, and the promote/rollback calls.
 */
import { ApiError, apiCredential } from '../api';

/** One arm's figures. */
export interface ArmView {
  requests: number;
  errors: number;
  error_rate: number;
  blocks: number;
  block_rate: number;
  judged: number;
  successes: number;
  success_rate: number | null;
  mean_cost_micros: number;
  mean_latency_ms: number;
  p95_latency_ms: number;
}

/** A guard or promotion condition as analysed. */
export interface CheckView {
  condition: string;
  holds: boolean;
  pending: boolean;
  detail: string;
}

/** A rollout's latest analysis. */
export interface AnalysisView {
  at: number;
  verdict: 'continue' | 'promote' | 'rollback';
  reason: string;
  stable: ArmView;
  canary: ArmView;
  guards: CheckView[];
  promotion: CheckView[];
}

/** One row of `GET /api/rollouts`. */
export interface RolloutView {
  id: string;
  group: string;
  from: string;
  to: string;
  canary_pct: number;
  by: 'agents' | 'traffic';
  status: 'running' | 'promoted' | 'rolled_back';
  started_at: number;
  ends_at: number;
  decided_at: number | null;
  reason: string | null;
  promote_if: string | null;
  rollback_if: string | null;
  gate_suite: string | null;
  gate: { suite: string; passed: boolean; reasons: string[] } | null;
  actor: string;
  analysis: AnalysisView | null;
}

/** One arm in one time bucket. */
export interface ArmPointView {
  requests: number;
  error_rate: number | null;
  success_rate: number | null;
  mean_latency_ms: number | null;
  mean_cost_micros: number | null;
}

/** `GET /api/rollouts/:id`. */
export interface RolloutDetailView extends RolloutView {
  series: { ts: number; stable: ArmPointView; canary: ArmPointView }[];
  events: { id: string; ts: number; kind: string; actor: string; summary: string }[];
}

/** Promotes or rolls back a running rollout; resolves with the decided rollout. */
export async function decideRollout(id: string, action: 'promote' | 'rollback', reason: string): Promise<RolloutView> {
  const key = apiCredential();
  const res = await fetch(`/api/rollouts/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ reason }),
    cache: 'no-store',
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let code: string | null = null;
    try {
      const b = (await res.json()) as { error?: { message?: string; code?: string } };
      if (b.error?.message) message = b.error.message;
      code = b.error?.code ?? null;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, message, code);
  }
  return (await res.json()) as RolloutView;
}
