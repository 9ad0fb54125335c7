/**
 * The content guard: the spec's guardrail policies applied to a call's input (before the model),
 * its complete output, and its streamed output as it streams.
 */
import { ContentBlockedError, type DacaError } from '../../errors.js';
import type { AuditReason } from '../../compliance/audit-types.js';
import type { GatewayCall } from '../../gateway/call.js';
import type { ChatChunk, ChatMessage, ChatResult } from '../../providers/types.js';
import { ExternalGuards } from '../external/external-guards.js';
import type { GatewayChat } from '../external/types.js';
import type { GuardrailPolicySpec, GuardrailsSpec } from './guardrail-spec.js';
import { definePolicy, type GuardrailPolicy } from './policy.js';
import { scanMessages } from './messages.js';
import { scanText } from './scan.js';
import { createStreamScanner } from './stream.js';
import type { Finding, Verdict } from './types.js';

function toPolicy(base: GuardrailPolicy | undefined, s: GuardrailPolicySpec): GuardrailPolicy {
  const over: Parameters<typeof definePolicy>[0] = base ? { ...base, actions: { ...base.actions } } : {};
  if (s.actions) over.actions = { ...(over.actions ?? {}), ...Object.fromEntries(Object.entries(s.actions).filter(([, v]) => v !== undefined)) };
  if (s.entities) over.entities = s.entities;
  if (s.topics) over.topics = s.topics;
  if (s.deny_patterns) over.denyPatterns = s.deny_patterns;
  if (s.max_input_chars !== undefined) over.maxInputChars = s.max_input_chars;
  if (s.reversible_redaction !== undefined) over.reversibleRedaction = s.reversible_redaction;
  if (s.attack_threshold !== undefined) over.attackThreshold = s.attack_threshold;
  if (s.untrusted_attack_threshold !== undefined) over.untrustedAttackThreshold = s.untrusted_attack_threshold;
  return definePolicy(over);
}

/** The reasons a verdict stands for, for the audit record. */
function reasonsOf(direction: 'input' | 'output', findings: readonly Finding[], action: Verdict['action']): AuditReason[] {
  const by = new Map<string, number>();
  for (const f of findings) by.set(f.guardrail, (by.get(f.guardrail) ?? 0) + 1);
  const effect = action === 'block' ? 'block' : action === 'redact' ? 'modify' : 'info';
  return [...by].map(([name, n]) => ({ source: 'guardrail', name, effect, detail: `${direction}: ${n} finding${n === 1 ? '' : 's'}${action === 'redact' ? ' redacted' : action === 'allow' ? ' logged' : ''}` }));
}

/** The 400 `content_blocked` of a blocking verdict; the body names the guardrail and why. */
export function contentBlockedError(direction: 'input' | 'output', v: Verdict): ContentBlockedError {
  const by = v.blockedBy ?? { guardrail: v.findings[0]?.guardrail ?? 'guardrail', reason: v.findings[0]?.reason ?? 'blocked' };
  return new ContentBlockedError(`The ${direction} was blocked by guardrail '${by.guardrail}': ${by.reason}`, {
    details: { guardrail: by.guardrail, reason: by.reason, direction, categories: [...new Set(v.findings.map((f) => f.category))] },
  });
}

/** Applies the spec's content guardrails; see the module comment. */
export class ContentGuard {
  private readonly base: GuardrailPolicy;
  private readonly byAgent = new Map<string, GuardrailPolicy>();
  /** External guardrails (webhooks, judges), or null when the spec declares none. */
  private readonly external: ExternalGuards | null;
  /** Whether the deterministic tier scans output. */
  private readonly scanOutput: boolean;
  /** Whether output (and streams) are checked, by the deterministic tier or an external guardrail. */
  readonly output: boolean;

  constructor(spec: GuardrailsSpec) {
    this.base = toPolicy(undefined, spec.policy);
    for (const [agent, p] of Object.entries(spec.agents)) this.byAgent.set(agent, toPolicy(this.base, p));
    this.external = spec.external?.length ? new ExternalGuards(spec.external) : null;
    this.scanOutput = spec.output;
    this.output = spec.output || !!this.external?.output;
  }

  /**
   * Gives judge guardrails their way to a model through the gateway (the gateway is built after its
   * guards). Without it, judge guardrails fail and follow their `on_error`.
   */
  attachGateway(gw: { chat: GatewayChat; recordFailure?: (call: GatewayCall, e: DacaError) => Promise<void> }): void {
    this.external?.attach(gw.chat, gw.recordFailure);
  }

  /** The policy of an agent. */
  policyFor(agent: string): GuardrailPolicy {
    return this.byAgent.get(agent) ?? this.base;
  }

  /**
   * Scans the input messages. Returns the messages to send (redacted when the policy redacts) and
   * the audit reasons; throws `ContentBlockedError` on a block. With `call`, the external
   * guardrails then check the (deterministically redacted) messages.
   */
  async checkInput(agent: string, messages: ChatMessage[], call?: GatewayCall): Promise<{ messages: ChatMessage[]; reasons: AuditReason[] }> {
    const { verdict, messages: out } = scanMessages(messages, 'input', this.policyFor(agent));
    if (verdict.action === 'block') throw contentBlockedError('input', verdict);
    const reasons = verdict.findings.length ? reasonsOf('input', verdict.findings, verdict.action) : [];
    let result = verdict.action === 'redact' ? out : messages;
    if (this.external && call && this.external.hasInput(call)) result = await this.external.checkInput(call, result, reasons);
    return { messages: result, reasons };
  }

  /**
   * Scans a complete answer's text; returns it redacted if needed, throws on a block. With `call`,
   * the external output guardrails then check each choice's text.
   */
  async checkOutput(agent: string, result: ChatResult, call?: GatewayCall): Promise<{ result: ChatResult; reasons: AuditReason[] }> {
    const policy = this.policyFor(agent);
    const reasons: AuditReason[] = [];
    const external = this.external && call && this.external.hasOutput(call) ? this.external : null;
    for (const choice of result.choices) {
      const text = choice.message.content;
      if (!text) continue;
      if (this.scanOutput) {
        const v = scanText(text, 'output', policy);
        if (v.action === 'block') throw contentBlockedError('output', v);
        if (v.findings.length) reasons.push(...reasonsOf('output', v.findings, v.action));
        if (v.action === 'redact') choice.message.content = v.redacted!;
      }
      if (external) choice.message.content = await external.checkOutput(call!, choice.message.content!, reasons);
    }
    return { result, reasons };
  }

  /**
   * Filters a stream: content deltas pass through the stream scanner (which holds back a short
   * tail so an entity split across chunks is still caught), redacted as they go; a block mid-stream
   * ends the stream with `ContentBlockedError`. With `call`, external output guardrails check the
   * assembled text at the end, before the finishing chunk: a block then ends the stream with the
   * error (what streamed already stays sent), and a redaction can only be noted, not applied.
   */
  async *filterStream(agent: string, source: AsyncIterable<ChatChunk>, onReasons: (r: AuditReason[]) => void, call?: GatewayCall): AsyncGenerator<ChatChunk> {
    const external = this.external && call && this.external.hasOutput(call) ? this.external : null;
    if (!this.scanOutput) {
      if (external) yield* this.checkStreamEnd(external, call!, source, onReasons);
      else yield* source;
      return;
    }
    const scanner = createStreamScanner(this.policyFor(agent));
    let sent = '';
    for await (const chunk of source) {
      const choice = chunk.choices[0];
      if (!choice) {
        yield chunk; // usage-only chunk
        continue;
      }
      let text = '';
      if (choice.delta.content) {
        const step = scanner.push(choice.delta.content);
        if (step.verdict?.action === 'block') throw contentBlockedError('output', step.verdict);
        text = step.emit;
      }
      if (external) sent += text;
      if (!choice.finish_reason) {
        if (text || choice.delta.role || choice.delta.tool_calls) yield { ...chunk, choices: [{ ...choice, delta: { ...choice.delta, content: text } }] };
        continue;
      }
      const tail = scanner.flush();
      if (tail.verdict.action === 'block') throw contentBlockedError('output', tail.verdict);
      if (tail.verdict.findings.length) onReasons(reasonsOf('output', tail.verdict.findings, tail.verdict.action));
      text += tail.emit;
      if (external) await this.checkStreamed(external, call!, sent + tail.emit, onReasons);
      if (text) yield { ...chunk, choices: [{ index: choice.index, delta: { content: text }, finish_reason: null }], usage: null };
      const { content: _drop, ...rest } = choice.delta;
      void _drop;
      yield { ...chunk, choices: [{ ...choice, delta: rest }] };
    }
  }

  /** Passes a stream through, checking its assembled text with external guardrails before the finishing chunk. */
  private async *checkStreamEnd(external: ExternalGuards, call: GatewayCall, source: AsyncIterable<ChatChunk>, onReasons: (r: AuditReason[]) => void): AsyncGenerator<ChatChunk> {
    let sent = '';
    for await (const chunk of source) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) sent += choice.delta.content;
      if (choice?.finish_reason) await this.checkStreamed(external, call, sent, onReasons);
      yield chunk;
    }
  }

  private async checkStreamed(external: ExternalGuards, call: GatewayCall, text: string, onReasons: (r: AuditReason[]) => void): Promise<void> {
    const reasons: AuditReason[] = [];
    const out = await external.checkOutput(call, text, reasons);
    if (out !== text) reasons.push({ source: 'guardrail', name: 'external', effect: 'info', detail: 'output: a redaction was asked for after the text had streamed; not applied' });
    if (reasons.length) onReasons(reasons);
  }
}
