/**
 * The exact cache's key: a hash of the normalised request — everything that changes the answer,
 * nothing that does not — namespaced per tenant so tenants never share an entry.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest, ContentPart } from '../../providers/types.js';
import { canonicalJson } from '../../spec/canonical.js';

/** Request fields outside the typed subset that do not change the answer. */
const IGNORED_EXTRA = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

function normContent(c: ChatMessage['content']): unknown {
  if (c === null || typeof c === 'string') return c ?? '';
  // A single plain text part means the same as a string; provider cache hints do not change the answer.
  if (c.length === 1 && c[0]!.type === 'text') return (c[0] as { text: string }).text;
  return c.map((p: ContentPart) => {
    if (p.type !== 'text') return p;
    const { cache_control: _cc, ...rest } = p as { type: 'text'; text: string; cache_control?: unknown };
    return rest;
  });
}

/**
 * The answer-relevant part of a request, as a plain JSON value. `model` is the spec model the
 * request resolved to (aliases followed).
 *
 * @example
 * ```ts
 * normaliseRequest('gpt-4o', { model: 'x', messages: [{ role: 'user', content: 'hi' }], user: 'u1' });
 * // { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] } — `user` ignored
 * ```
 */
export function normaliseRequest(model: string, req: ChatRequest): Record<string, unknown> {
  const messages = req.messages.map((m) => {
    const o: Record<string, unknown> = { role: m.role === 'developer' ? 'system' : m.role, content: normContent(m.content) };
    if (m.name) o.name = m.name;
    if (m.tool_calls?.length) o.tool_calls = m.tool_calls.map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments }));
    if (m.tool_call_id) o.tool_call_id = m.tool_call_id;
    return o;
  });
  const out: Record<string, unknown> = { model, messages };
  if (req.tools?.length) out.tools = req.tools;
  if (req.tool_choice !== undefined) out.tool_choice = req.tool_choice;
  if (req.response_format && req.response_format.type !== 'text') out.response_format = req.response_format;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined && req.top_p !== 1) out.top_p = req.top_p;
  if (req.max_tokens !== undefined) out.max_tokens = req.max_tokens;
  if (req.stop !== undefined) out.stop = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.seed !== undefined) out.seed = req.seed;
  if (req.n !== undefined && req.n !== 1) out.n = req.n;
  if (req.extra) {
    const extra: Record<string, unknown> = {};
    let any = false;
    for (const [k, v] of Object.entries(req.extra)) {
      if (IGNORED_EXTRA.has(k) || v === undefined) continue;
      extra[k] = v;
      any = true;
    }
    if (any) out.extra = extra;
  }
  return out;
}

/** Hex sha256 of canonical JSON. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The cache key of a request for a tenant: `<tenant>:<sha256 of the normalised request>`.
 *
 * @example
 * ```ts
 * exactCacheKey('acme', 'gpt-4o', req); // 'acme:3f2a…'
 * ```
 */
export function exactCacheKey(tenant: string, model: string, req: ChatRequest): string {
  return `${tenant}:${sha256Hex(canonicalJson(normaliseRequest(model, req)))}`;
}
