/**
 * `defineWorkflow`: multi-step durable work on Restate workflows. Steps are journaled
 * (`ctx.run`): after a crash the workflow resumes where it was and completed steps are not run
 * again. Steps can retry, fan out and in (`all`), register compensations (saga: on a terminal
 * failure they run in reverse order), wait for a person (`approval`) and call agents and models.
 * Each step gets an idempotency key (`<workflow id>:<step>`) for its external side effect, so
 * even a step interrupted between its effect and its journal entry has its effect applied once.
 */
import type { HumanDecision } from './approval-bridge.js';
import type { AgentReply, AgentMessage, JsonValue } from './types.js';
import type { ModelChatRequest, ModelChatResult } from './define-agent.js';

/** Options of one step. */
export interface StepOptions<T> {
  /** Attempts after the first before the step fails terminally (default: Restate retries until it works). */
  retries?: number;
  /** First retry delay, ms (default 100; doubles). */
  retryDelayMs?: number;
  /** Undo of this step, run if a later step fails terminally. */
  compensate?: (result: T, idempotencyKey: string) => Promise<void> | void;
}

/** What a workflow's `run` can do. */
export interface WorkflowContext {
  /** The workflow run id. */
  readonly id: string;
  /** Runs a journaled step; `fn` gets the step's idempotency key. */
  step<T extends JsonValue | void>(name: string, fn: (idempotencyKey: string) => Promise<T> | T, opts?: StepOptions<T>): Promise<T>;
  /** Fan-out/fan-in: starts the branches together, waits for all. */
  all<T>(branches: (() => Promise<T>)[]): Promise<T[]>;
  /** A human step: files an approval and waits (durably) for the decision. */
  approval(name: string, ask: { reason: string; summary: string; expiresInMs?: number }): Promise<HumanDecision>;
  /** Durable sleep. */
  sleep(ms: number): Promise<void>;
  /** Calls an agent through the mesh (journaled). */
  callAgent(type: string, id: string | undefined, message: AgentMessage | string): Promise<AgentReply>;
  /** A model call through the gateway, attributed to the workflow (journaled). */
  readonly model: { chat(req: ModelChatRequest): Promise<ModelChatResult> };
}

/** A workflow definition. */
export interface WorkflowDefinition<I extends JsonValue = JsonValue, O extends JsonValue | void = JsonValue | void> {
  name: string;
  description?: string;
  /** Team its model calls and approvals are attributed to (default `default`). */
  team?: string;
  run(ctx: WorkflowContext, input: I): Promise<O>;
}

/**
 * Defines a workflow.
 *
 * @example
 * ```ts
 * const refund = defineWorkflow({
 *   name: 'refund',
 *   async run(ctx, input: { order: string }) {
 *     const r = await ctx.step('reserve', (key) => ledger.hold(input.order, key), { compensate: (_, key) => ledger.release(key) });
 *     const ok = await ctx.approval('manager', { reason: 'refund over 100 USD', summary: `refund ${input.order}` });
 *     if (!ok.approved) return { refunded: false };
 *     await ctx.step('pay', (key) => bank.pay(input.order, key), { retries: 5 });
 *     return { refunded: true };
 *   },
 * });
 * ```
 */
export function defineWorkflow<I extends JsonValue, O extends JsonValue | void>(def: WorkflowDefinition<I, O>): WorkflowDefinition<I, O> {
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(def.name)) throw new TypeError(`workflow name '${def.name}' is not valid`);
  return def;
}
