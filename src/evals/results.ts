/**
 * What a run records: its metadata (suite, agent, model and prompt versions, seed) and one result
 * per trial. These are the rows every sink stores and every report reads.
 */
import type { StoredGrade } from './graders/types.js';

/** The agent a run evaluated. */
export interface RunAgent {
  kind: 'prompt' | 'http' | 'command';
  /** Model or alias (prompt-agents), when known. */
  model: string | null;
  /** Prompt/agent version (prompt-agents: a hash of system prompt and tools, unless declared). */
  version: string;
}

/** A run's metadata. */
export interface RunMeta {
  id: string;
  suite: string;
  /** Fingerprint of the suite's cases, personas and graders. */
  suiteHash: string;
  source: string;
  agent: RunAgent;
  seed: number;
  /** Trials per case and persona (k). */
  trials: number;
  personas: string[];
  cases: number;
  startedAt: number;
  finishedAt: number | null;
}

/** The result of one trial (one case, one persona, one trial index). */
export interface TrialResult {
  /** `case|persona|trial`: unique within a run, and the pairing key across runs. */
  key: string;
  caseId: string;
  persona: string;
  trial: number;
  seed: number;
  /** The conversation ran to its end without an error. */
  completed: boolean;
  /** Every grader passed (the goal was achieved). */
  passed: boolean;
  error: string | null;
  /** User turns taken. */
  turns: number;
  /** Wall time of the trial, ms. */
  latencyMs: number;
  /** Time until the goal was reached, ms; null when it was not. */
  timeToSuccessMs: number | null;
  promptTokens: number;
  completionTokens: number;
  /** What the agent's model calls cost, micro-dollars. */
  costMicros: number;
  /** What the harness's own calls cost (simulated user, judge), micro-dollars. */
  evalCostMicros: number;
  /** Sentences with checkable facts, and those not supported by the context or tool results. */
  claims: number;
  unsupportedClaims: number;
  hallucinated: boolean;
  grades: StoredGrade[];
  /** The final answer (first 2,000 characters). */
  output: string;
  /** Up to 3 unsupported sentences, for reports. */
  unsupported?: string[];
  finishedAt: number;
}

/** A finished or partial run. */
export interface RunResults {
  meta: RunMeta;
  trials: TrialResult[];
}

/** The pairing key of a trial. */
export function trialKey(caseId: string, persona: string, trial: number): string {
  return `${caseId}|${persona}|${trial}`;
}
