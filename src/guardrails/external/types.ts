/**
 * The shared vocabulary of external guardrails: what they are asked and what they answer.
 */
import type { GatewayCall } from '../../gateway/call.js';
import type { ChatMessage, ChatRequest, ChatResult } from '../../providers/types.js';

/** What is being checked: the prompt (`messages`) or a complete answer (`text`). */
export type ExternalSubject = { direction: 'input'; messages: ChatMessage[] } | { direction: 'output'; text: string };

/** An external guardrail's decision. */
export interface ExternalVerdict {
  action: 'allow' | 'block' | 'redact';
  reason?: string | undefined;
  /** Input redaction: the messages to send instead. */
  redactedMessages?: ChatMessage[] | undefined;
  /** Output redaction: the text to return instead. */
  redactedText?: string | undefined;
}

/** Sends a chat request through the gateway as `call` (the judge's way to reach a model). */
export type GatewayChat = (call: GatewayCall, req: ChatRequest) => Promise<{ result: ChatResult }>;

/** One external guardrail. Throws on timeout / transport / protocol errors (the caller applies `on_error`). */
export interface ExternalGuardrail {
  readonly name: string;
  readonly direction: 'input' | 'output' | 'both';
  readonly onError: 'allow' | 'block';
  /** Agents it applies to, or null for all. */
  readonly agents: ReadonlySet<string> | null;
  check(call: GatewayCall, subject: ExternalSubject): Promise<ExternalVerdict>;
}
