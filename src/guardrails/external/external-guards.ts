/**
 * Runs the external guardrails of a call, in declared order, after the deterministic tier.
 *
 * - `block` → 400 `content_blocked` naming `external:<name>` and the reason.
 * - `redact` → the redacted messages / text replace the content for the next guardrail and the model.
 * - A timeout, transport error or unreadable answer follows the guardrail's `on_error`
 *   (`allow`: noted in the audit reasons; `block`: 400 `content_blocked`).
 *
 * Calls made by a judge guardrail (registered in `internal`) skip external guardrails.
 */
import type { AuditReason } from '../../compliance/audit-types.js';
import { ContentBlockedError, type DacaError } from '../../errors.js';
import type { GatewayCall } from '../../gateway/call.js';
import type { ChatMessage } from '../../providers/types.js';
import type { ExternalGuardrailSpec } from './external-spec.js';
import { judgeGuardrail } from './judge.js';
import type { ExternalGuardrail, GatewayChat } from './types.js';
import { webhookGuardrail } from './webhook.js';

/** The 400 of an external block. */
export function externalBlockedError(direction: 'input' | 'output', name: string, reason: string): ContentBlockedError {
  const guardrail = `external:${name}`;
  return new ContentBlockedError(`The ${direction} was blocked by guardrail '${guardrail}': ${reason}`, {
    details: { guardrail, reason, direction, categories: ['external'] },
  });
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timed out' : e.message;
  return String(e);
}

/** The external guardrails of a spec; see the module comment. */
export class ExternalGuards {
  private readonly all: ExternalGuardrail[];
  private readonly internal = new WeakSet<GatewayCall>();
  private chat: GatewayChat | null = null;
  private failure: ((call: GatewayCall, e: DacaError) => Promise<void>) | null = null;
  /** Whether any guardrail checks output. */
  readonly output: boolean;

  constructor(specs: readonly ExternalGuardrailSpec[]) {
    this.all = specs.map((s) =>
      s.type === 'webhook' ? webhookGuardrail(s) : judgeGuardrail(s, () => this.chat, this.internal, () => this.failure),
    );
    this.output = this.all.some((g) => g.direction !== 'input');
  }

  /** Gives judge guardrails their way into the gateway (`Gateway.chat` and `recordFailure`). */
  attach(chat: GatewayChat, recordFailure?: (call: GatewayCall, e: DacaError) => Promise<void>): void {
    this.chat = chat;
    this.failure = recordFailure ?? null;
  }

  private applicable(call: GatewayCall, direction: 'input' | 'output'): ExternalGuardrail[] {
    if (this.internal.has(call)) return [];
    const agent = call.attribution.agent;
    return this.all.filter((g) => (g.direction === 'both' || g.direction === direction) && (!g.agents || g.agents.has(agent)));
  }

  /** Whether any guardrail applies to this call's input (cheap pre-check for the hot path). */
  hasInput(call: GatewayCall): boolean {
    return this.applicable(call, 'input').length > 0;
  }

  /** Whether any guardrail applies to this call's output. */
  hasOutput(call: GatewayCall): boolean {
    return this.applicable(call, 'output').length > 0;
  }

  /** Checks the input messages; returns them (possibly redacted). Throws `ContentBlockedError`. */
  async checkInput(call: GatewayCall, messages: ChatMessage[], reasons: AuditReason[]): Promise<ChatMessage[]> {
    for (const g of this.applicable(call, 'input')) {
      let v;
      try {
        v = await g.check(call, { direction: 'input', messages });
      } catch (e) {
        this.onError(g, 'input', e, reasons);
        continue;
      }
      if (v.action === 'block') throw externalBlockedError('input', g.name, v.reason ?? 'blocked');
      if (v.action === 'redact' && v.redactedMessages) {
        messages = v.redactedMessages;
        reasons.push({ source: 'guardrail', name: `external:${g.name}`, effect: 'modify', detail: `input redacted${v.reason ? `: ${v.reason}` : ''}` });
      }
    }
    return messages;
  }

  /** Checks an answer's text; returns it (possibly redacted). Throws `ContentBlockedError`. */
  async checkOutput(call: GatewayCall, text: string, reasons: AuditReason[]): Promise<string> {
    for (const g of this.applicable(call, 'output')) {
      let v;
      try {
        v = await g.check(call, { direction: 'output', text });
      } catch (e) {
        this.onError(g, 'output', e, reasons);
        continue;
      }
      if (v.action === 'block') throw externalBlockedError('output', g.name, v.reason ?? 'blocked');
      if (v.action === 'redact' && v.redactedText !== undefined) {
        text = v.redactedText;
        reasons.push({ source: 'guardrail', name: `external:${g.name}`, effect: 'modify', detail: `output redacted${v.reason ? `: ${v.reason}` : ''}` });
      }
    }
    return text;
  }

  private onError(g: ExternalGuardrail, direction: 'input' | 'output', e: unknown, reasons: AuditReason[]): void {
    const why = errorText(e);
    if (g.onError === 'block') throw externalBlockedError(direction, g.name, `guardrail unavailable (${why})`);
    reasons.push({ source: 'guardrail', name: `external:${g.name}`, effect: 'info', detail: `${direction}: guardrail unavailable (${why}); allowed (on_error: allow)` });
  }
}
