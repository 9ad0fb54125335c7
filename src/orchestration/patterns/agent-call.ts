/**
 * Talking to agents from a pattern: send a data message to `agent:id` through an `AgentHost` (the
 * node's runtime, an `AgentPool`, the mesh) with a deadline on a `Clock`, and read the data part
 * of the reply.
 */
import type { AgentHost } from '../../runtime/agent-host.js';
import type { AgentReply, JsonValue } from '../../runtime/types.js';
import type { Clock } from '../clock.js';

/** An agent instance. */
export interface AgentRef {
  agent: string;
  id: string;
}

/** `agent:id`. */
export function refName(r: AgentRef): string {
  return `${r.agent}:${r.id}`;
}

/** The outcome of a call: the reply's data part, or why there is none. */
export type CallOutcome = { ok: true; data: { [k: string]: JsonValue }; reply: AgentReply } | { ok: false; reason: 'timeout' | 'failed'; detail: string };

/** The first data part of a reply (empty object when none). */
export function replyData(r: AgentReply): { [k: string]: JsonValue } {
  for (const p of r.parts) if (p.kind === 'data') return p.data;
  return {};
}

/**
 * Calls `to` with `data` and waits at most `timeoutMs` of `clock` time.
 * @example
 * ```ts
 * const r = await callAgent(pool, clock, { agent: 'bidder', id: '3' }, { t: 'cfp', task: 'paint' }, 5_000);
 * ```
 */
export async function callAgent(host: AgentHost, clock: Clock, to: AgentRef, data: { [k: string]: JsonValue }, timeoutMs: number, caller?: string): Promise<CallOutcome> {
  let timer: ReturnType<Clock['setTimer']> | null = null;
  const timeout = new Promise<CallOutcome>((resolve) => {
    timer = clock.setTimer(timeoutMs, () => resolve({ ok: false, reason: 'timeout', detail: `${refName(to)} did not answer within ${timeoutMs} ms` }));
  });
  const call = host
    .invoke(to.agent, to.id, { role: 'agent', parts: [{ kind: 'data', data }] }, caller ? { caller } : {})
    .then((reply): CallOutcome => (reply.state === 'completed' ? { ok: true, data: replyData(reply), reply } : { ok: false, reason: 'failed', detail: reply.error?.message ?? reply.state }))
    .catch((e: unknown): CallOutcome => ({ ok: false, reason: 'failed', detail: (e as Error)?.message ?? String(e) }));
  const r = await Promise.race([call, timeout]);
  if (timer) clock.clearTimer(timer);
  return r;
}
