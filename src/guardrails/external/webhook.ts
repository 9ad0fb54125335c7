/**
 * The webhook guardrail: `POST <url>` with JSON
 * `{ direction, agent, tenant, request_id, messages? | text? }`, answered by
 * `{ action: 'allow'|'block'|'redact', reason?, redacted_messages? | redacted_text? }`.
 * With a `secret`, the body is signed: `x-daca-signature: sha256=<hex HMAC-SHA256 of the body>`.
 */
import { createHmac } from 'node:crypto';
import type { GatewayCall } from '../../gateway/call.js';
import type { ChatMessage } from '../../providers/types.js';
import type { WebhookGuardrailSpec } from './external-spec.js';
import type { ExternalGuardrail, ExternalSubject, ExternalVerdict } from './types.js';

/** The signature header value of a body under a secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function parseVerdict(name: string, subject: ExternalSubject, raw: unknown): ExternalVerdict {
  const o = raw as { action?: unknown; reason?: unknown; redacted_messages?: unknown; redacted_text?: unknown } | null;
  if (!o || typeof o !== 'object' || (o.action !== 'allow' && o.action !== 'block' && o.action !== 'redact')) {
    throw new Error(`webhook guardrail '${name}' answered without a valid action`);
  }
  const v: ExternalVerdict = { action: o.action, reason: typeof o.reason === 'string' ? o.reason : undefined };
  if (v.action === 'redact') {
    if (subject.direction === 'input') {
      if (!Array.isArray(o.redacted_messages)) throw new Error(`webhook guardrail '${name}' redacted without redacted_messages`);
      v.redactedMessages = o.redacted_messages as ChatMessage[];
    } else {
      if (typeof o.redacted_text !== 'string') throw new Error(`webhook guardrail '${name}' redacted without redacted_text`);
      v.redactedText = o.redacted_text;
    }
  }
  return v;
}

/** Builds a webhook guardrail from its spec entry. */
export function webhookGuardrail(spec: WebhookGuardrailSpec): ExternalGuardrail {
  return {
    name: spec.name,
    direction: spec.direction,
    onError: spec.on_error,
    agents: spec.agents ? new Set(spec.agents) : null,
    async check(call: GatewayCall, subject: ExternalSubject): Promise<ExternalVerdict> {
      const body = JSON.stringify({
        direction: subject.direction,
        agent: call.attribution.agent,
        tenant: call.attribution.tenant,
        request_id: call.id,
        ...(subject.direction === 'input' ? { messages: subject.messages } : { text: subject.text }),
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (spec.secret) headers['x-daca-signature'] = webhookSignature(spec.secret, body);
      const signal = AbortSignal.any([call.signal, AbortSignal.timeout(spec.timeout_ms)]);
      const r = await fetch(spec.url, { method: 'POST', headers, body, signal });
      if (!r.ok) {
        await r.body?.cancel().catch(() => {});
        throw new Error(`webhook guardrail '${spec.name}' answered HTTP ${r.status}`);
      }
      return parseVerdict(spec.name, subject, await r.json());
    },
  };
}
