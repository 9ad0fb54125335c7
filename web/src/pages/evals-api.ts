/**
 * The shapes of `/api/evals` as the dashboard reads them (runs, one run, a comparison).
 */

/** Metrics of a set of trials; rates in [0, 1]. */
export interface EvalMetrics {
  trials: number;
  completion_rate: number;
  pass_rate: number;
  hallucination_rate: number;
  mean_time_to_success_ms: number | null;
  mean_turns: number;
  mean_tokens: number;
  cost_per_task_usd: number;
  mean_latency_ms: number;
  p50_latency_ms: number;
  p95_latency_ms: number;
  k: number;
  pass_at_k: number;
  pass_hat_k: number;
}

/** One row of `GET /api/evals/runs`. */
export interface EvalRunRow {
  id: string;
  suite: string;
  suite_hash: string;
  source: string;
  agent: 'prompt' | 'http' | 'command';
  model: string | null;
  version: string;
  seed: number;
  cases: number;
  personas: string[];
  trials_per_case: number;
  started_at: number;
  finished_at: number | null;
  status: 'finished' | 'unfinished';
  trials: number;
  expected_trials: number;
  passed: number;
  pass_rate: number | null;
  cost_usd: number;
  cost_per_task_usd: number | null;
  /** Only in a run's detail: what the harness's own calls (simulated user, judge) cost. */
  eval_cost_usd?: number;
}

/** One trial of a run. */
export interface EvalTrialView {
  key: string;
  case: string;
  persona: string;
  trial: number;
  passed: boolean;
  completed: boolean;
  hallucinated: boolean;
  error: string | null;
  turns: number;
  latency_ms: number;
  cost_usd: number;
  failed_graders: { name: string; reason: string | null }[];
  output: string;
}

/** `GET /api/evals/runs/:id`. */
export interface EvalRunDetail {
  run: EvalRunRow;
  metrics: EvalMetrics;
  by_persona: (EvalMetrics & { persona: string })[];
  by_case: (EvalMetrics & { case: string })[];
  trials: EvalTrialView[];
  trials_truncated: boolean;
}

/** An estimate with a confidence interval. */
export interface IntervalView {
  estimate: number;
  lo: number;
  hi: number;
}

/** `GET /api/evals/compare?a=&b=`: differences are B − A. */
export interface EvalComparison {
  a: EvalRunRow & { metrics: EvalMetrics };
  b: EvalRunRow & { metrics: EvalMetrics };
  pairs: number;
  unpaired: number;
  same_suite: boolean;
  level: number;
  mcnemar: { b: number; c: number; p: number };
  pass_rate: IntervalView;
  hallucination_rate: IntervalView;
  cost_per_task_usd: IntervalView;
  cost_change: IntervalView;
  latency_ms: IntervalView;
  latency_change: IntervalView;
  significant: boolean;
  summary: string;
  by_persona: { persona: string; pairs: number; a_pass_rate: number; b_pass_rate: number }[];
  cases: { regressed: string[]; improved: string[] };
}
