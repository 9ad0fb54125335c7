/**
 * The approval service: turns a matching request into a pending approval, lets approvers decide,
 * lets the agent redeem the approval once (same key and agent, equivalent request), lets a
 * request wait inline for the decision, and rejects what nobody decided in time.
 */
import { randomUUID } from 'node:crypto';
import { ApprovalRequiredError, ConflictError, ForbiddenError, InternalError, InvalidRequestError, NotFoundError } from '../../errors.js';
import type { Spec } from '../../spec/schema.js';
import { canonicalHash } from '../../spec/canonical.js';
import type { Store } from '../../store/types.js';
import { ApprovalNotifier } from './approval-notifier.js';
import { ApprovalRepo } from './approval-repo.js';
import { ApprovalRules } from './approval-rules.js';
import type { Approval, ApprovalContext, ApprovalDecision, ApprovalFilter, ApprovalMatch, ApprovalModifications, ApprovalRequestView } from './approval-types.js';

/** What the service needs. */
export interface ApprovalServiceOptions {
  store: Pick<Store, 'db'>;
  spec: Pick<Spec, 'approvals' | 'agents' | 'models' | 'aliases'>;
  /** Clock for creation, expiry and decisions (ms since the epoch). */
  now?: () => number;
  /** Where sweeper failures go (they never throw into a request). */
  onError?: (e: unknown) => void;
}

/** How a request redeems or waits for an approval (from `x-daca-approval` / `x-daca-approval-wait`). */
export interface AdmitOptions {
  approvalId?: string | undefined;
  /** How long to wait inline for a decision, ms (capped by `approvals.max_wait`). */
  waitMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** sha256 of model + messages + tools: two requests with the same hash are the same request. */
export function approvalRequestHash(r: ApprovalRequestView): string {
  return canonicalHash({ model: r.model, messages: r.messages, tools: r.tools ?? null });
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** See the module comment. One per node; `start()` runs the expiry sweeper. */
export class ApprovalService {
  readonly rules: ApprovalRules;
  private readonly repo: ApprovalRepo;
  private readonly notifier = new ApprovalNotifier();
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ApprovalServiceOptions) {
    this.rules = new ApprovalRules(opts.spec);
    this.repo = new ApprovalRepo(opts.store);
    this.now = opts.now ?? Date.now;
  }

  /** The rule a context matches, or null. Pure and cheap: no I/O. */
  evaluate(ctx: ApprovalContext): ApprovalMatch | null {
    return this.rules.empty ? null : this.rules.evaluate(ctx);
  }

  /** Stores a pending approval for `ctx` (evaluating the rules when no match is given). */
  async request(ctx: ApprovalContext, match?: ApprovalMatch): Promise<Approval> {
    const a = this.pendingApproval(ctx, match, `apr_${randomUUID().replaceAll('-', '')}`);
    await this.repo.insert(a);
    return a;
  }

  /**
   * Like {@link ApprovalService.request} with a caller-chosen id, once across nodes: when an
   * approval with that id exists already (whatever its status), it is returned with
   * `created: false`.
   */
  async requestOnce(id: string, ctx: ApprovalContext, match: ApprovalMatch): Promise<{ approval: Approval; created: boolean }> {
    const a = this.pendingApproval(ctx, match, id);
    if (await this.repo.insertIfAbsent(a)) return { approval: a, created: true };
    const theirs = await this.repo.get(id);
    if (!theirs) throw new InternalError(`approval '${id}' was neither inserted nor found`);
    return { approval: theirs, created: false };
  }

  private pendingApproval(ctx: ApprovalContext, match: ApprovalMatch | undefined, id: string): Approval {
    const m = match ?? this.evaluate(ctx);
    if (!m) throw new InternalError('approval requested for a context no rule matches');
    const now = this.now();
    const req: ApprovalRequestView = { model: ctx.request.model, messages: ctx.request.messages };
    if (ctx.request.tools) req.tools = ctx.request.tools;
    if (ctx.request.max_tokens !== undefined) req.max_tokens = ctx.request.max_tokens;
    return {
      id,
      status: 'pending',
      stage: ctx.toolCalls ? 'tool_calls' : 'request',
      ruleId: m.ruleId,
      reason: m.reason,
      subject: { ...ctx.subject },
      model: ctx.request.model,
      requestHash: approvalRequestHash(req),
      request: req,
      result: ctx.result ?? null,
      estimatedCostMicros: ctx.estimatedCostMicros ?? null,
      createdAt: now,
      expiresAt: now + (m.expireAfterMs ?? this.opts.spec.approvals.expire_after),
      decidedAt: null, decidedBy: null, decidedKey: null, note: null, modifications: null, consumedAt: null,
    };
  }

  /** One approval. @throws NotFoundError */
  async get(id: string): Promise<Approval> {
    const a = await this.repo.get(id);
    if (!a) throw new NotFoundError(`no approval with id '${id}'; list them with \`daca approvals list\``);
    return a;
  }

  /** Approvals, newest first. */
  list(filter: ApprovalFilter = {}): Promise<Approval[]> {
    return this.repo.list(filter);
  }

  /**
   * Redeems an approved approval for `ctx` (single use). The caller must be the same key and agent
   * and send an equivalent request (same model, messages and tools).
   *
   * @throws ApprovalRequiredError while pending; ForbiddenError when rejected, expired, used,
   *   unknown, or asked for by another principal or for another request.
   */
  async consume(id: string, ctx: ApprovalContext): Promise<Approval> {
    const a = await this.repo.get(id);
    if (!a) throw new ForbiddenError(`unknown approval '${id}' (x-daca-approval)`, { details: { approval_id: id } });
    if (a.subject.keyId !== ctx.subject.keyId || a.subject.agent !== ctx.subject.agent)
      throw new ForbiddenError(`approval '${id}' was granted to another key or agent`, { details: { approval_id: id } });
    if (a.requestHash !== approvalRequestHash(ctx.request))
      throw new ForbiddenError(`approval '${id}' was granted for a different request (model, messages and tools must be the same)`, { details: { approval_id: id } });
    this.throwUnlessApproved(a);
    if (a.consumedAt !== null || !(await this.repo.consume(id, this.now())))
      throw new ForbiddenError(`approval '${id}' was already used; approvals are single-use`, { details: { approval_id: id, status: 'used' } });
    return { ...a, consumedAt: this.now() };
  }

  /** Waits up to `ms` for a decision; returns the approval as it then is (possibly still pending). */
  async waitFor(id: string, ms: number, signal?: AbortSignal): Promise<Approval> {
    const deadline = performance.now() + ms;
    for (;;) {
      let a = await this.get(id);
      if (a.status === 'pending' && a.expiresAt <= this.now()) {
        await this.expireDue();
        a = await this.get(id);
      }
      const left = deadline - performance.now();
      if (a.status !== 'pending' || left <= 0 || signal?.aborted) return a;
      await this.notifier.nap(id, Math.min(left, this.opts.spec.approvals.poll_ms, Math.max(1, a.expiresAt - this.now())), signal);
    }
  }

  /**
   * Records an approver's decision on a pending approval.
   *
   * @throws NotFoundError, ConflictError (already decided or expired), InvalidRequestError (bad modifications).
   */
  async decide(id: string, d: ApprovalDecision): Promise<Approval> {
    const a = await this.get(id);
    const mods = d.modifications && Object.keys(d.modifications).length ? d.modifications : null;
    if (mods) this.checkModifications(a, d.decision, mods);
    const at = this.now();
    const status = d.decision === 'approve' ? 'approved' : 'rejected';
    if (!(await this.repo.decide(id, status, at, d.approver.name, d.approver.keyId, d.note ?? null, mods))) {
      if (a.status === 'pending' && a.expiresAt <= at) await this.expireDue(at);
      const now = await this.get(id);
      throw new ConflictError(`approval '${id}' is already ${now.status}${now.decidedBy ? ` (by ${now.decidedBy})` : ''}`, { details: { approval_id: id, status: now.status } });
    }
    this.notifier.notify(id);
    return { ...a, status, decidedAt: at, decidedBy: d.approver.name, decidedKey: d.approver.keyId, note: d.note ?? null, modifications: mods };
  }

  /** Rejects (as `expired`) every pending approval due at `now`; returns their ids. */
  async expireDue(now: number = this.now()): Promise<string[]> {
    const ids = await this.repo.expireDue(now);
    for (const id of ids) this.notifier.notify(id);
    return ids;
  }

  /**
   * The approval step of a call, before the model: redeems `x-daca-approval` when given, else
   * evaluates the rules and, on a match, stores a pending approval and (with `waitMs`) waits for it.
   * Returns null when no approval is needed, or the redeemed approval (apply it with
   * `approvedRequestChanges` / `approvedResult`).
   *
   * @throws ApprovalRequiredError (403, body has `approval_id`, `reason`, `expires_at`), ForbiddenError.
   */
  async admit(ctx: ApprovalContext, opts: AdmitOptions = {}): Promise<Approval | null> {
    if (opts.approvalId) {
      if (opts.waitMs) await this.waitFor(opts.approvalId, this.capWait(opts.waitMs), opts.signal);
      return this.consume(opts.approvalId, ctx);
    }
    const m = this.evaluate(ctx);
    return m ? this.gate(ctx, m, opts) : null;
  }

  /**
   * Asks for approval of `ctx` under `match` (e.g. a tool-policy verdict after the model answered,
   * with `ctx.toolCalls` and `ctx.result` set), waits inline when asked, and redeems it if approved.
   */
  async gate(ctx: ApprovalContext, match: ApprovalMatch, opts: AdmitOptions = {}): Promise<Approval> {
    let a = await this.request(ctx, match);
    if (opts.waitMs) a = await this.waitFor(a.id, this.capWait(opts.waitMs), opts.signal);
    if (a.status === 'approved') return this.consume(a.id, ctx);
    this.throwUnlessApproved(a);
    return a;
  }

  /** Starts the expiry sweeper (every `approvals.sweep_ms`; the timer does not hold the process). */
  start(): this {
    if (!this.sweeper) {
      this.sweeper = setInterval(() => {
        this.expireDue().catch((e: unknown) => this.opts.onError?.(e));
      }, this.opts.spec.approvals.sweep_ms);
      this.sweeper.unref();
    }
    return this;
  }

  /** Stops the sweeper (waiting requests still end at their deadline). */
  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private capWait(ms: number): number {
    return Math.max(0, Math.min(ms, this.opts.spec.approvals.max_wait));
  }

  private throwUnlessApproved(a: Approval): void {
    switch (a.status) {
      case 'approved':
        return;
      case 'pending':
        throw new ApprovalRequiredError(`This request needs a human approval: ${a.reason}. Retry with header x-daca-approval: ${a.id} once approved, or wait inline with x-daca-approval-wait.`, {
          details: { approval_id: a.id, reason: a.reason, expires_at: iso(a.expiresAt) },
        });
      case 'rejected':
        throw new ForbiddenError(`approval '${a.id}' was rejected by ${a.decidedBy ?? 'an approver'}${a.note ? `: ${a.note}` : ''}`, {
          details: { approval_id: a.id, status: 'rejected', decided_by: a.decidedBy, note: a.note },
        });
      case 'expired':
        throw new ForbiddenError(`approval '${a.id}' expired at ${iso(a.expiresAt)} without a decision`, { details: { approval_id: a.id, status: 'expired' } });
    }
  }

  private checkModifications(a: Approval, decision: ApprovalDecision['decision'], m: ApprovalModifications): void {
    if (decision !== 'approve') throw new InvalidRequestError('only an approval can carry modifications', { param: 'modifications' });
    if (a.stage === 'request') {
      if (m.tool_calls) throw new InvalidRequestError('tool_calls can only be modified on a tool-call approval', { param: 'modifications.tool_calls' });
      if (m.model !== undefined && !this.opts.spec.models[m.model] && !this.opts.spec.aliases[m.model])
        throw new InvalidRequestError(`unknown model '${m.model}'`, { param: 'modifications.model' });
      if (m.max_tokens !== undefined && (!Number.isInteger(m.max_tokens) || m.max_tokens < 1))
        throw new InvalidRequestError('max_tokens must be a positive integer', { param: 'modifications.max_tokens' });
      return;
    }
    if (m.model !== undefined || m.max_tokens !== undefined)
      throw new InvalidRequestError('a tool-call approval can only modify tool_calls arguments', { param: 'modifications' });
    const ids = new Set(a.result?.choices.flatMap((c) => (c.message.tool_calls ?? []).map((t) => t.id)) ?? []);
    for (const t of m.tool_calls ?? []) {
      if (!ids.has(t.id)) throw new InvalidRequestError(`no tool call '${t.id}' in this approval; known: ${[...ids].join(', ')}`, { param: 'modifications.tool_calls' });
      try {
        JSON.parse(t.arguments);
      } catch {
        throw new InvalidRequestError(`the new arguments of tool call '${t.id}' are not valid JSON`, { param: 'modifications.tool_calls' });
      }
    }
  }
}
