/**
 * `scanMessages`: a whole conversation through the content guardrails.
 *
 * - `system` and `developer` messages are the operator's own text: not scanned.
 * - `tool` messages (tool results, retrieved documents) are untrusted: attacks in them are
 *   indirect injections and use the lower `untrustedAttackThreshold`.
 * - In the input direction, earlier `assistant` turns are scanned for PII and secrets only.
 * - Text content parts are scanned; image parts are left as they are. Tool-call arguments are
 *   scanned for PII and secrets (placeholders keep the JSON valid).
 * Redaction numbering is shared across the conversation, so one e-mail address is `[EMAIL_1]`
 * wherever it appears.
 */
import type { ChatMessage, ContentPart } from '../../providers/types.js';
import { definePolicy, type GuardrailPolicy } from './policy.js';
import { RedactionState } from './redaction.js';
import { scanText, type ScanOptions } from './scan.js';
import type { Direction, Finding, Verdict } from './types.js';

/** The verdict of one scanned piece of a conversation. */
export interface MessagePieceVerdict {
  /** Index of the message in the conversation. */
  message: number;
  /** Index of the content part, when the content is a part list. */
  part?: number;
  /** Index of the tool call, when the piece is a tool call's arguments. */
  toolCall?: number;
  verdict: Verdict;
}

/** The outcome of scanning a conversation. */
export interface MessagesScan {
  /** The combined verdict: block if any piece blocks, redact if any piece was redacted. */
  verdict: Verdict;
  /** The conversation with redactions applied (the input is not modified). */
  messages: ChatMessage[];
  /** Per-piece verdicts, for pieces that produced findings. */
  pieces: MessagePieceVerdict[];
}

const entitiesOnly = new WeakMap<GuardrailPolicy, GuardrailPolicy>();

/** The policy with attack and toxicity detection off (for assistant history and tool-call arguments). */
function entitiesPolicy(policy: GuardrailPolicy): GuardrailPolicy {
  let p = entitiesOnly.get(policy);
  if (p === undefined) {
    p = definePolicy({ ...policy, actions: { ...policy.actions, prompt_injection: 'off', jailbreak: 'off', system_prompt_extraction: 'off', toxic: 'off', topic: 'off', regex: 'off', size: 'off' } });
    entitiesOnly.set(policy, p);
  }
  return p;
}

/**
 * Scans every scannable piece of a conversation and returns the combined verdict and the
 * redacted conversation.
 *
 * @example
 * ```ts
 * const { verdict, messages } = scanMessages(req.messages, 'input', DEFAULT_POLICY);
 * if (verdict.action === 'block') throw new ContentBlockedError(verdict.blockedBy!.reason, { details: verdict.blockedBy });
 * ```
 */
export function scanMessages(messages: readonly ChatMessage[], direction: Direction, policy: GuardrailPolicy): MessagesScan {
  const state = new RedactionState();
  const pieces: MessagePieceVerdict[] = [];
  const out: ChatMessage[] = [];
  const scan = (text: string, p: GuardrailPolicy, opts: ScanOptions, where: Omit<MessagePieceVerdict, 'verdict'>): string => {
    const verdict = scanText(text, direction, p, { ...opts, redaction: state });
    if (verdict.findings.length > 0) pieces.push({ ...where, verdict });
    return verdict.action === 'redact' ? verdict.redacted! : text;
  };
  messages.forEach((msg, index) => {
    if (msg.role === 'system' || msg.role === 'developer') {
      out.push(msg);
      return;
    }
    const historyOnly = direction === 'input' && msg.role === 'assistant';
    const p = historyOnly ? entitiesPolicy(policy) : policy;
    const opts: ScanOptions = { untrusted: msg.role === 'tool' };
    const copy: ChatMessage = { ...msg };
    if (typeof msg.content === 'string') copy.content = scan(msg.content, p, opts, { message: index });
    else if (Array.isArray(msg.content)) {
      copy.content = msg.content.map((part, i): ContentPart => {
        if (part.type === 'text' && typeof part.text === 'string') return { ...part, text: scan(part.text, p, opts, { message: index, part: i }) };
        return part;
      });
    }
    if (msg.tool_calls !== undefined) {
      copy.tool_calls = msg.tool_calls.map((tc, i) => ({
        ...tc,
        function: { ...tc.function, arguments: scan(tc.function.arguments, entitiesPolicy(policy), {}, { message: index, toolCall: i }) },
      }));
    }
    out.push(copy);
  });
  return { verdict: combine(pieces, policy, state), messages: out, pieces };
}

function combine(pieces: readonly MessagePieceVerdict[], policy: GuardrailPolicy, state: RedactionState): Verdict {
  const findings: Finding[] = pieces.flatMap((p) => p.verdict.findings);
  const blocked = pieces.find((p) => p.verdict.action === 'block');
  if (blocked !== undefined) return { action: 'block', findings, blockedBy: blocked.verdict.blockedBy! };
  if (!pieces.some((p) => p.verdict.action === 'redact')) return { action: 'allow', findings };
  const v: Verdict = { action: 'redact', findings };
  if (policy.reversibleRedaction) v.mapping = { ...state.mapping };
  return v;
}
