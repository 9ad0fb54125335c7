/**
 * Conflict resolution among agents: a vote (the agents are asked for their ballots), authority
 * delegation (escalate to a supervisor agent, or to a person through the approvals service), and
 * arbitration by a mediator agent. Each resolution is recorded with its reasons.
 */
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import type { AgentHost } from '../../runtime/agent-host.js';
import { RealClock, type Clock } from '../clock.js';
import { callAgent, refName, type AgentRef } from './agent-call.js';
import type { Resolution, ResolutionLog } from './resolution-record.js';
import { majority, rankedChoice, weightedVote, type Ballot, type VoteResult } from './voting.js';

/** Shared options. */
export interface ResolveOptions {
  host: AgentHost;
  log: ResolutionLog;
  clock?: Clock;
  /** Answer timeout per agent, ms (default 5 s). */
  timeoutMs?: number;
}

/**
 * Asks each voter agent `{ t: 'vote', question, options }` (answer `{ choice }`, `{ ranking }`,
 * optionally `{ weight }`), counts by `method` and records the result with its explanation.
 */
export async function resolveByVote(o: ResolveOptions, question: string, options: string[], voters: AgentRef[], method: VoteResult['method']): Promise<{ result: VoteResult; resolution: Resolution }> {
  const clock = o.clock ?? new RealClock();
  const answers = await Promise.all(voters.map((v) => callAgent(o.host, clock, v, { t: 'vote', question, options, method }, o.timeoutMs ?? 5_000).then((r) => ({ v, r }))));
  const ballots: Ballot[] = [];
  const abstained: string[] = [];
  for (const { v, r } of answers) {
    if (!r.ok) {
      abstained.push(refName(v));
      continue;
    }
    const choice = Array.isArray(r.data.ranking) ? r.data.ranking.map(String) : typeof r.data.choice === 'string' ? r.data.choice : null;
    if (choice === null) abstained.push(refName(v));
    else ballots.push({ voter: refName(v), choice, ...(typeof r.data.weight === 'number' ? { weight: r.data.weight } : {}) });
  }
  const result = method === 'ranked-choice' ? rankedChoice(options, ballots) : method === 'weighted' ? weightedVote(options, ballots) : majority(options, ballots);
  const resolution = o.log.record({
    pattern: 'vote', subject: question, outcome: result.winner ?? 'no decision',
    reasons: [result.explanation, ...(abstained.length ? [`abstained or did not answer: ${abstained.join(', ')}`] : [])],
    participants: voters.map(refName), at: clock.now(), data: { method, tally: result.tally },
  });
  return { result, resolution };
}

/** Who decides an escalation. */
export type Authority = { kind: 'agent'; ref: AgentRef } | { kind: 'human'; approvals: ApprovalService; tenant: string; team: string; waitMs: number };

/**
 * Escalates `question` to an authority: a supervisor agent (answers `{ decision, reason }`) or a
 * person (an approval; approve = `yes`, reject or expiry = `no`). Records who decided and why.
 */
export async function escalate(o: ResolveOptions, question: string, from: string, to: Authority): Promise<Resolution> {
  const clock = o.clock ?? new RealClock();
  if (to.kind === 'agent') {
    const r = await callAgent(o.host, clock, to.ref, { t: 'escalation', question, from }, o.timeoutMs ?? 5_000, from);
    const decision = r.ok && typeof r.data.decision === 'string' ? r.data.decision : 'no';
    const reason = r.ok ? String(r.data.reason ?? 'no reason given') : `no answer: ${r.detail}`;
    return o.log.record({ pattern: 'escalation', subject: question, outcome: decision, reasons: [`${refName(to.ref)} decided: ${reason}`], participants: [from, refName(to.ref)], at: clock.now() });
  }
  const a = await to.approvals.request(
    { subject: { keyId: `agent:${from}`, tenant: to.tenant, team: to.team, agent: from, session: null }, request: { model: 'escalation', messages: [{ role: 'user', content: question }] } },
    { ruleId: 'orchestration:escalation', reason: `${from} escalates: ${question}` },
  );
  const d = await to.approvals.waitFor(a.id, to.waitMs);
  const decision = d.status === 'approved' ? 'yes' : 'no';
  const reason = d.status === 'pending' ? 'nobody decided in time' : `${d.decidedBy ?? 'expiry'} ${d.status}${d.note ? `: ${d.note}` : ''}`;
  return o.log.record({ pattern: 'escalation', subject: question, outcome: decision, reasons: [reason], participants: [from, d.decidedBy ?? 'approvers'], at: clock.now(), data: { approvalId: a.id, status: d.status } });
}

/** A dispute between parties, with their claims. */
export interface Dispute {
  id: string;
  parties: { name: string; claim: string }[];
  facts: string[];
}

/** Asks a mediator agent to arbitrate (`{ t: 'arbitrate', dispute }` → `{ award, reason }`); records its ruling. */
export async function arbitrate(o: ResolveOptions, dispute: Dispute, mediator: AgentRef): Promise<Resolution> {
  const clock = o.clock ?? new RealClock();
  const r = await callAgent(o.host, clock, mediator, { t: 'arbitrate', dispute: dispute as unknown as { [k: string]: string } }, o.timeoutMs ?? 5_000);
  const award = r.ok && typeof r.data.award === 'string' ? r.data.award : 'undecided';
  const reason = r.ok ? String(r.data.reason ?? '') : `the mediator did not rule: ${r.detail}`;
  return o.log.record({ pattern: 'arbitration', subject: dispute.id, outcome: award, reasons: [reason, ...dispute.facts], participants: [refName(mediator), ...dispute.parties.map((p) => p.name)], at: clock.now() });
}
