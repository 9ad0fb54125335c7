/**
 * OpenTelemetry GenAI semantic-convention attributes for gateway spans, from what the gateway
 * knows at the start of a call and from its usage record at the end.
 */
import type { UsageRecord } from '../../metering/usage-record.js';
import type { Attributes, Span } from './span.js';

/** What is known when a request span starts. */
export interface RequestStart {
  id: string;
  route: UsageRecord['route'];
  requestedModel: string;
  stream: boolean;
  tenant: string;
  team: string;
  agent: string;
  session: string | null;
}

/** `chat` or `embeddings` (`gen_ai.operation.name`) for a gateway route. */
export function operationName(route: UsageRecord['route']): 'chat' | 'embeddings' {
  return route === 'embeddings' ? 'embeddings' : 'chat';
}

/** The semconv span name: `{gen_ai.operation.name} {gen_ai.request.model}`. */
export function requestSpanName(route: UsageRecord['route'], requestedModel: string): string {
  return `${operationName(route)} ${requestedModel}`;
}

/** Attributes for the request span when it starts. */
export function requestStartAttributes(r: RequestStart): Attributes {
  return {
    'gen_ai.operation.name': operationName(r.route),
    'gen_ai.request.model': r.requestedModel,
    'daca.request_id': r.id,
    'daca.route': r.route,
    'daca.stream': r.stream,
    'daca.tenant': r.tenant,
    'daca.team': r.team,
    'daca.agent': r.agent,
    'daca.session': r.session,
  };
}

/** Attributes from a finished usage record (model, provider, tokens, cost, routing and savings, outcome). */
export function usageAttributes(rec: UsageRecord): Attributes {
  return {
    'gen_ai.operation.name': operationName(rec.route),
    'gen_ai.provider.name': rec.provider || undefined,
    'gen_ai.system': rec.provider || undefined,
    'gen_ai.request.model': rec.requestedModel,
    'gen_ai.response.model': rec.upstreamModel || undefined,
    'gen_ai.usage.input_tokens': rec.inputTokens,
    'gen_ai.usage.output_tokens': rec.route === 'embeddings' ? undefined : rec.outputTokens,
    'gen_ai.response.finish_reasons': rec.finishReason ? [rec.finishReason] : undefined,
    'http.response.status_code': rec.status,
    'error.type': rec.errorCode ?? undefined,
    'daca.model': rec.model || undefined,
    'daca.cost_usd': rec.costMicros / 1_000_000,
    'daca.cached_tokens': rec.cachedTokens || undefined,
    'daca.tokens_estimated': rec.estimated || undefined,
    'daca.cache': rec.cache,
    'daca.routing.policy': rec.routingPolicy ?? undefined,
    'daca.routing.reason': rec.routingReason ?? undefined,
    'daca.saved_by_cache_usd': rec.savedByCacheMicros ? rec.savedByCacheMicros / 1_000_000 : undefined,
    'daca.saved_by_routing_usd': rec.savedByRoutingMicros ? rec.savedByRoutingMicros / 1_000_000 : undefined,
    'daca.ttft_ms': rec.ttftMs ?? undefined,
    'daca.overhead_ms': rec.overheadMs,
    'daca.request_id': rec.id,
    'daca.tenant': rec.tenant,
    'daca.team': rec.team,
    'daca.agent': rec.agent,
    'daca.session': rec.session,
  };
}

/**
 * Completes a request span from its usage record and ends it: GenAI attributes (built off the
 * request path, when the span is exported), error status when
 * the call failed (`err` when the gateway has it, else the record's code), `gen_ai.response.id`
 * when given.
 * @example
 * ```ts
 * finishRequestSpan(span, rec, { responseId: result.id });
 * ```
 */
export function finishRequestSpan(span: Span, rec: UsageRecord, opts: { err?: unknown; responseId?: string; endTimeMs?: number } = {}): void {
  if (!span.recording) return;
  span.setAttributes(() => usageAttributes(rec));
  if (opts.responseId) span.setAttribute('gen_ai.response.id', opts.responseId);
  if (opts.err !== undefined) span.recordError(opts.err);
  else if (rec.status >= 400) span.recordError({ name: 'DacaError', code: rec.errorCode ?? String(rec.status), message: `request failed with ${rec.status} ${rec.errorCode ?? ''}`.trim() });
  span.end(opts.endTimeMs);
}
