/**
 * Admission: the steps before the model call — kill switch, rate limits, budget reservation,
 * declared-tool policy and human approval — and the settlement after it.
 *
 * An Admission holds what the call took up front (a rate-limit ticket, a budget reservation) and
 * gives it back exactly once: `settle()` with the metered actuals, or `release()` when nothing was
 * billed. Both are idempotent and never throw.
 */
import { approvalContextOf } from '../guardrails/approvals/approval-context.js';
import { approvedRequestChanges, approvedResult } from '../guardrails/approvals/approval-apply.js';
import type { Approval } from '../guardrails/approvals/approval-types.js';
import type { BudgetReservation } from '../guardrails/budgets/budget-reservation.js';
import type { DowngradeCause } from '../cost/routing/routing-types.js';
import { rateLimitError, type LimitTicket } from '../guardrails/limits/rate-limits.js';
import { toolBlockedError } from '../guardrails/tools/tool-policy.js';
import { costMicros } from '../metering/cost.js';
import { countChatTokens } from '../metering/tokenizer.js';
import type { ChatRequest, ChatResult } from '../providers/types.js';
import type { ResolvedModel } from '../spec/resolve.js';
import type { GatewayCall } from './call.js';
import type { GatewayGuards } from './guards.js';

/** Output tokens assumed when a request sets no `max_tokens` and the model declares no limit. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

/** What admission decided for a call. */
export class Admission {
  private ticket: LimitTicket | null = null;
  private reservation: BudgetReservation | null = null;
  /** The redeemed approval, if the call needed one. */
  approval: Approval | null = null;
  /**
   * The model to use instead of the requested one: a cheaper model a nearly exhausted budget asks
   * for, or the model an approver chose. Null to keep the requested model.
   */
  switchTo: string | null = null;
  /** What asked for `switchTo` when it is a downgrade other than a budget's (a spend goal's); null otherwise. */
  switchCause: DowngradeCause | null = null;
  /** An answer an approver supplied (e.g. an approved tool call): send it without calling the model. */
  answer: ChatResult | null = null;

  constructor(private readonly guards: GatewayGuards) {}

  /** @internal */
  hold(ticket: LimitTicket | null, reservation: BudgetReservation | null): void {
    this.ticket = ticket;
    this.reservation = reservation;
  }

  /** Settles limits and budgets with what the call actually used. */
  settle(totalTokens: number, costMicrosUsed: number): void {
    if (this.ticket) this.guards.limits?.settle(this.ticket, totalTokens);
    if (this.reservation) this.guards.budgets?.settle(this.reservation, costMicrosUsed);
    this.ticket = null;
    this.reservation = null;
  }

  /** Gives back everything held (the call billed nothing). */
  release(): void {
    if (this.ticket) this.guards.limits?.release(this.ticket);
    if (this.reservation) this.guards.budgets?.release(this.reservation);
    this.ticket = null;
    this.reservation = null;
  }
}

/** The worst-case size and cost of a call, for limits, budgets and cost-based approval rules. */
export interface CallEstimate {
  tokens: number;
  micros: number;
}

/** Estimates a call from its prompt and `max_tokens` (or the model's output limit). */
export function estimateCall(req: ChatRequest, model: ResolvedModel): CallEstimate {
  const input = countChatTokens(req.messages, req.tools, model.upstream);
  const output = req.max_tokens ?? model.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  return { tokens: input + output, micros: costMicros({ inputTokens: input, outputTokens: output, cachedTokens: 0 }, model.price) };
}

/**
 * Admits a call or throws the error that refuses it (403 suspended, 429, 402, 400 tool policy,
 * 403 approval_required). May change `req` (approved modifications).
 */
export async function admit(guards: GatewayGuards, call: GatewayCall, req: ChatRequest, model: ResolvedModel): Promise<Admission> {
  const a = new Admission(guards);
  const { killSwitch, limits, budgets, tools, approvals } = guards;
  if (killSwitch) {
    const wait = killSwitch.enforce(call.principal, call.attribution);
    if (wait) await wait;
  }
  const needsApproval = !!approvals && (!approvals.rules.empty || !!call.approval.approvalId);
  let est: CallEstimate | null = null;
  if (limits || budgets || needsApproval) est = estimateCall(req, model);

  let ticket: LimitTicket | null = null;
  if (limits) {
    const d = await limits.check(call.principal, call.attribution, est!.tokens);
    if (!d.allowed) throw rateLimitError(d);
    ticket = d;
  }
  let reservation: BudgetReservation | null = null;
  if (budgets) {
    try {
      reservation = await budgets.reserve(call.principal.keyId, call.attribution, est!.micros);
    } catch (e) {
      if (ticket) limits!.release(ticket);
      throw e;
    }
    a.switchTo = reservation.downgradeTo;
    call.reasons.push({ source: 'budget', name: 'budgets', effect: 'allow', detail: `reserved $${(est!.micros / 1e6).toFixed(6)} (estimated worst case)` });
    if (reservation.downgradeTo) {
      call.via.push('downgrade');
      call.reasons.push({ source: 'budget', name: 'downgrade', effect: 'modify', detail: `a budget is nearly exhausted: routed to '${reservation.downgradeTo}'` });
    }
  }
  a.hold(ticket, reservation);
  try {
    if (guards.content) {
      const { messages, reasons } = await guards.content.checkInput(call.attribution.agent, req.messages, call);
      req.messages = messages;
      if (reasons.length) call.reasons.push(...reasons);
    }
    if (tools) {
      const v = tools.checkDeclared(call.attribution.agent, req.tools);
      if (v.action !== 'allow') throw toolBlockedError(v, 'input');
    }
    if (needsApproval) {
      // Guardrail findings (redacted or logged) can send a call for approval (`approvals.rules[].guardrails`).
      const guardrailFlags = call.reasons.filter((r) => r.source === 'guardrail').map((r) => ({ guardrail: r.name, reason: r.detail ?? r.name }));
      const approval = await approvals!.admit(approvalContextOf(call, req, { estimatedCostMicros: est!.micros, guardrailFlags }), call.approval);
      if (approval) {
        a.approval = approval;
        call.approvalRecord = { id: approval.id, status: approval.status as 'approved', ...(approval.decidedBy ? { by: approval.decidedBy } : {}) };
        call.reasons.push({ source: 'approval', name: approval.id, effect: 'allow', detail: `approved${approval.decidedBy ? ` by ${approval.decidedBy}` : ''}` });
        a.answer = approvedResult(approval);
        const changes = approvedRequestChanges(approval);
        if (changes.max_tokens !== undefined) req.max_tokens = changes.max_tokens;
        if (changes.model !== undefined) a.switchTo = changes.model;
      }
    }
  } catch (e) {
    a.release();
    throw e;
  }
  return a;
}
