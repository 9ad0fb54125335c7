/**
 * Routing: which model answers a request, and why. Every decision carries `{ model, reason,
 * policy }` so usage records, audit and traces can show it.
 */
import type { ChatRequest, ChatResult } from '../../providers/types.js';

/** What a routing policy sees of a request. */
export interface RoutingContext {
  tenant: string;
  agent: string;
  /** Attribution tags (`x-daca-tags`); `task` is the task label. */
  tags: Readonly<Record<string, string>>;
  /** The spec model the request resolved to (aliases followed). */
  requestedModel: string;
  req: ChatRequest;
  /** Prompt tokens, when already counted (else the policy counts them if it needs them). */
  promptTokens?: number;
  /** A cheaper model a nearly exhausted budget or a spend goal asks for (`Admission.switchTo`), if any. */
  downgradeTo?: string | null;
}

/** The policies a decision can come from. */
export type RoutingPolicyName = 'none' | 'fixed' | 'cascade' | 'router' | 'budget' | 'goal';

/** What asked for a downgrade (`Admission.switchTo`): a budget near its limit, or a goal (`downgrade_model`). */
export interface DowngradeCause {
  policy: 'budget' | 'goal';
  /** Why, in words (e.g. `goal daily_spend: today's spend reached 80% of its target`). */
  reason: string;
}

/** A routing decision. */
export interface RoutingDecision {
  /** The model to call first. */
  model: string;
  /** Why, in words (for usage, audit and traces). */
  reason: string;
  policy: RoutingPolicyName;
  /** Verify the answer and escalate along `escalateTo` when a verifier rejects it. */
  verify: boolean;
  /** Stronger models to try next, in order (empty: no escalation). */
  escalateTo: readonly string[];
}

/** Picks the model of a request. Deterministic: the same context gives the same decision. */
export interface RoutingPolicy {
  readonly name: RoutingPolicyName;
  choose(ctx: RoutingContext): RoutingDecision;
}

/** What one model call returned, with what it cost. */
export interface ModelAnswer {
  result: ChatResult;
  costMicros: number;
}

/** Calls `model` with `req` (the gateway: one upstream call; the bench: one HTTP call). */
export type ModelCall = (model: string, req: ChatRequest) => Promise<ModelAnswer>;
