/**
 * How patterns record their decisions (awards, votes, escalations, arbitrations, breaches): one
 * `Resolution` each, with its reasons and participants, kept in memory and, when given an audit
 * sink, appended to the audit ledger as an `agent_decision` (explainable like any decision).
 */
import type { AuditEntry } from '../../compliance/audit-types.js';
import type { JsonValue } from '../../runtime/types.js';

/** One recorded decision. */
export interface Resolution {
  id: string;
  /** `hierarchy`, `contract-net`, `auction`, `vote`, `escalation`, `arbitration`, `negotiation`, `pubsub`. */
  pattern: string;
  /** What was decided (a task, a contract, a question). */
  subject: string;
  /** The outcome (winner, award, decision). */
  outcome: string;
  /** Why, in sentences. */
  reasons: string[];
  participants: string[];
  /** Clock time, ms. */
  at: number;
  data?: { [k: string]: JsonValue };
}

/** Where resolutions go. */
export interface ResolutionLog {
  record(r: Omit<Resolution, 'id'>): Resolution;
  list(pattern?: string): Resolution[];
}

/** Anything that takes audit entries (the node's `AuditLedger`). */
export interface AuditAppender {
  append(e: AuditEntry): string;
}

/**
 * Resolutions in memory, and in the audit ledger when `audit` is given.
 * @example
 * ```ts
 * const log = resolutionLog({ audit: await auditOf(services), tenant: 'acme' });
 * ```
 */
export function resolutionLog(opts: { audit?: AuditAppender; tenant?: string; actor?: string } = {}): ResolutionLog {
  const all: Resolution[] = [];
  let n = 0;
  return {
    record(r) {
      const full: Resolution = { id: `res-${++n}`, ...r };
      all.push(full);
      opts.audit?.append({
        kind: 'agent_decision',
        tenant: opts.tenant ?? 'default',
        actor: { kind: 'agent', id: opts.actor ?? r.pattern },
        ...(r.participants[0] ? { agent: r.participants[0] } : {}),
        refs: { session: r.subject },
        decision: { action: 'recorded', reasons: r.reasons.map((d) => ({ source: 'orchestration', name: r.pattern, effect: 'info', detail: d })), summary: `${r.pattern}: ${r.subject} → ${r.outcome}` },
        detail: { pattern: r.pattern, outcome: r.outcome, participants: r.participants, ...(r.data ?? {}) },
      });
      return full;
    },
    list: (pattern) => (pattern ? all.filter((r) => r.pattern === pattern) : [...all]),
  };
}
