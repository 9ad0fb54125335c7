/**
 * Applying a redeemed approval to the call: the approver's changes to the request, or the held
 * answer (with edited tool-call arguments) replayed instead of calling the model again.
 */
import type { ChatChunk, ChatResult } from '../../providers/types.js';
import type { Approval } from './approval-types.js';

/**
 * The request changes an approver made (pre-call approvals): a different model, a lower max_tokens.
 *
 * @example
 * ```ts
 * const { model, max_tokens } = approvedRequestChanges(approval);
 * if (model) requestedModel = model;
 * if (max_tokens) req.max_tokens = max_tokens;
 * ```
 */
export function approvedRequestChanges(a: Approval): { model?: string; max_tokens?: number } {
  const m = a.modifications;
  const out: { model?: string; max_tokens?: number } = {};
  if (a.stage === 'request' && m) {
    if (m.model) out.model = m.model;
    if (m.max_tokens) out.max_tokens = m.max_tokens;
  }
  return out;
}

/** The held answer of a post-call approval with the approver's argument edits applied, or null. */
export function approvedResult(a: Approval): ChatResult | null {
  if (a.stage !== 'tool_calls' || !a.result) return null;
  const edits = new Map((a.modifications?.tool_calls ?? []).map((t) => [t.id, t.arguments]));
  const result: ChatResult = structuredClone(a.result);
  for (const c of result.choices) {
    for (const tc of c.message.tool_calls ?? []) {
      const args = edits.get(tc.id);
      if (args !== undefined) tc.function.arguments = args;
    }
  }
  return result;
}

/**
 * A complete answer as stream chunks (role, content, one chunk per tool call, finish, and a usage
 * chunk unless `usage: false`, e.g. when the live stream still sends its own).
 */
export function resultAsChunks(r: ChatResult, opts: { usage?: boolean } = {}): ChatChunk[] {
  const base = { id: r.id, created: r.created, model: r.model };
  const out: ChatChunk[] = [];
  for (const c of r.choices) {
    out.push({ ...base, choices: [{ index: c.index, delta: { role: 'assistant', content: c.message.content ?? '' }, finish_reason: null }] });
    (c.message.tool_calls ?? []).forEach((tc, i) =>
      out.push({ ...base, choices: [{ index: c.index, delta: { tool_calls: [{ index: i, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: tc.function.arguments } }] }, finish_reason: null }] }),
    );
    out.push({ ...base, choices: [{ index: c.index, delta: {}, finish_reason: c.finish_reason }] });
  }
  if (opts.usage !== false) out.push({ ...base, choices: [], usage: r.usage });
  return out;
}
