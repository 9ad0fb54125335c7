/**
 * Human steps of durable work: a workflow (or durable agent) waits on a Restate awakeable; the
 * bridge files an approval with the guardrails' approval service and, when a person decides,
 * resolves the awakeable through Restate's ingress. The awakeable id travels in the approval's
 * rule id (`runtime:<awakeable id>`), so after a restart the bridge finds every approval it still
 * has to deliver (pending ones are watched again; decided ones are delivered and redeemed).
 */
import type { ApprovalService } from '../guardrails/approvals/approval-service.js';
import type { Approval, ApprovalContext } from '../guardrails/approvals/approval-types.js';
import type { IngressClient } from './ingress-client.js';

/** What a human step asks. */
export interface HumanStepRequest {
  /** Who asks (workflow or agent name) and the run or instance id. */
  agent: string;
  session: string;
  tenant: string;
  team: string;
  /** Why a person must decide (shown to approvers). */
  reason: string;
  /** What is to be approved, in words. */
  summary: string;
  /** Expiry (default: the spec's `approvals.expire_after`). */
  expiresInMs?: number | undefined;
}

/** What the waiting step receives. */
export interface HumanDecision {
  approved: boolean;
  status: 'approved' | 'rejected' | 'expired';
  approvalId: string;
  by: string | null;
  note: string | null;
}

const PREFIX = 'runtime:';

/** Connects the approval service to Restate awakeables. */
export class ApprovalBridge {
  private readonly watching = new Map<string, AbortController>();
  private closed = false;

  constructor(private readonly approvals: ApprovalService, private readonly ingress: () => IngressClient, private readonly onError: (e: unknown) => void = () => {}) {}

  /** Files the approval for awakeable `awakeableId` and starts watching it; returns its id. */
  async request(awakeableId: string, r: HumanStepRequest): Promise<string> {
    const ctx: ApprovalContext = {
      subject: { keyId: `runtime:${r.agent}`, tenant: r.tenant, team: r.team, agent: r.agent, session: r.session },
      request: { model: 'human-step', messages: [{ role: 'user', content: r.summary }] },
    };
    const a = await this.approvals.request(ctx, { ruleId: PREFIX + awakeableId, reason: r.reason, expireAfterMs: r.expiresInMs });
    this.watch(a);
    return a.id;
  }

  /** Re-watches pending approvals of this runtime and delivers decided, undelivered ones. */
  async resume(): Promise<number> {
    const all = await this.approvals.list({ limit: 1000 });
    let n = 0;
    for (const a of all) {
      if (!a.ruleId.startsWith(PREFIX) || a.consumedAt !== null) continue;
      if (a.status === 'pending' || Date.now() - (a.decidedAt ?? 0) < 86_400_000) {
        this.watch(a);
        n++;
      }
    }
    return n;
  }

  /** Stops watching. */
  close(): void {
    this.closed = true;
    for (const ac of this.watching.values()) ac.abort();
    this.watching.clear();
  }

  private watch(a: Approval): void {
    if (this.watching.has(a.id) || this.closed) return;
    const ac = new AbortController();
    this.watching.set(a.id, ac);
    void this.loop(a, ac.signal)
      .catch((e: unknown) => this.onError(e))
      .finally(() => this.watching.delete(a.id));
  }

  private async loop(first: Approval, signal: AbortSignal): Promise<void> {
    let a = first;
    while (a.status === 'pending' && !signal.aborted) a = await this.approvals.waitFor(a.id, 60_000, signal);
    if (signal.aborted) return;
    const decision: HumanDecision = { approved: a.status === 'approved', status: a.status as HumanDecision['status'], approvalId: a.id, by: a.decidedBy, note: a.note };
    const awakeable = a.ruleId.slice(PREFIX.length);
    let delay = 200;
    for (;;) {
      try {
        await this.ingress().json('POST', `/restate/awakeables/${encodeURIComponent(awakeable)}/resolve`, decision, { signal });
        break;
      } catch (e) {
        if (signal.aborted) return;
        const status = (e as { httpStatus?: number }).httpStatus;
        if (status !== undefined && status < 500) break; // already completed or unknown: nothing to deliver
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
    // Mark it delivered (approvals are single-use); rejected ones stay as they are.
    if (a.status === 'approved') await this.approvals.consume(a.id, { subject: a.subject, request: a.request }).catch(() => {});
  }
}
