/**
 * Conversions between A2A messages (protocol 1.0 objects of @a2a-js/sdk) and the runtime's
 * protocol-neutral `AgentMessage` / `AgentReply`.
 */
import { Message, Task } from '@a2a-js/sdk';
import type { AgentMessage, AgentReply, AgentReplyState, JsonValue, MessagePart } from '../../runtime/types.js';

type A2AMessage = ReturnType<typeof Message.fromJSON>;
type A2APart = A2AMessage['parts'][number];

/** The runtime message of an A2A message. */
export function toAgentMessage(m: A2AMessage): AgentMessage {
  const parts: MessagePart[] = [];
  for (const p of m.parts) {
    const c = p.content;
    if (!c) continue;
    if (c.$case === 'text') parts.push({ kind: 'text', text: c.value });
    else if (c.$case === 'data' && c.value && typeof c.value === 'object' && !Array.isArray(c.value)) parts.push({ kind: 'data', data: c.value as { [k: string]: JsonValue } });
    else if (c.$case === 'url') parts.push({ kind: 'text', text: c.value });
  }
  const out: AgentMessage = { role: m.role === 2 ? 'agent' : 'user', parts };
  if (m.contextId) out.contextId = m.contextId;
  if (m.taskId) out.taskId = m.taskId;
  if (m.metadata) out.metadata = m.metadata as { [k: string]: JsonValue };
  return out;
}

/** The text of a message's text parts, joined by newlines. */
export function textOf(parts: readonly MessagePart[]): string {
  let s = '';
  for (const p of parts) if (p.kind === 'text') s += (s ? '\n' : '') + p.text;
  return s;
}

/** A2A parts (JSON form) of runtime parts. */
export function partsJson(parts: readonly MessagePart[]): unknown[] {
  return parts.map((p) => (p.kind === 'text' ? { text: p.text, mediaType: 'text/plain' } : { data: p.data, mediaType: 'application/json' }));
}

/** An agent-role A2A message carrying `parts`. */
export function agentMessage(parts: readonly MessagePart[], ids: { messageId: string; contextId: string; taskId?: string }): A2AMessage {
  return Message.fromJSON({ messageId: ids.messageId, contextId: ids.contextId, taskId: ids.taskId ?? '', role: 'ROLE_AGENT', parts: partsJson(parts) });
}

const STATE: Record<AgentReplyState | 'working' | 'submitted', string> = {
  submitted: 'TASK_STATE_SUBMITTED',
  working: 'TASK_STATE_WORKING',
  completed: 'TASK_STATE_COMPLETED',
  failed: 'TASK_STATE_FAILED',
  'input-required': 'TASK_STATE_INPUT_REQUIRED',
  rejected: 'TASK_STATE_REJECTED',
  canceled: 'TASK_STATE_CANCELED',
  'auth-required': 'TASK_STATE_AUTH_REQUIRED',
};

/** The proto-JSON name of a task state. */
export function taskStateName(s: AgentReplyState | 'working' | 'submitted'): string {
  return STATE[s];
}

/** A task object in a given state. */
export function taskOf(ids: { taskId: string; contextId: string }, state: AgentReplyState | 'working' | 'submitted', message?: A2AMessage, history: A2AMessage[] = []): ReturnType<typeof Task.fromJSON> {
  const t = Task.fromJSON({ id: ids.taskId, contextId: ids.contextId, status: { state: STATE[state], timestamp: new Date().toISOString() } });
  if (message && t.status) t.status.message = message;
  t.history = history;
  return t;
}

/** The runtime reply of an A2A answer (a Message or a Task). */
export function replyOf(result: unknown): AgentReply {
  const r = result as { parts?: A2APart[]; status?: { state?: number; message?: A2AMessage }; artifacts?: { parts: A2APart[] }[] };
  const fromParts = (ps: A2APart[] | undefined): MessagePart[] => (ps ? toAgentMessage({ parts: ps } as A2AMessage).parts : []);
  if (Array.isArray(r.parts)) return { parts: fromParts(r.parts), state: 'completed' };
  const parts = [...fromParts(r.status?.message?.parts), ...(r.artifacts ?? []).flatMap((a) => fromParts(a.parts))];
  const names: Record<number, AgentReplyState> = { 3: 'completed', 4: 'failed', 5: 'canceled', 6: 'input-required', 7: 'rejected', 8: 'auth-required' };
  const state = names[r.status?.state ?? 3] ?? 'completed';
  return state === 'failed' ? { parts, state, error: { code: 'agent_failed', message: textOf(parts) || 'the agent failed' } } : { parts, state };
}
