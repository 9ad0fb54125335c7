/**
 * Metering of a gateway call: token estimates when the upstream gives none, cost in micro-dollars,
 * and the usage record written for every call.
 */
import { costMicros } from '../metering/cost.js';
import { countChatTokens, countTextTokens } from '../metering/tokenizer.js';
import type { UsageRecord } from '../metering/usage-record.js';
import type { ChatRequest, EmbeddingRequest, Usage } from '../providers/types.js';
import type { ResolvedModel } from '../spec/resolve.js';
import type { GatewayCall } from './call.js';

/** The metered outcome of a call. */
export interface CallMeter {
  usage: Usage;
  costMicros: number;
  ttftMs: number | null;
  upstreamMs: number;
  finishReason: string | null;
}

/**
 * Counts a call's tokens with tiktoken when the upstream reported none (flagged `estimated`).
 * For embeddings pass `input` instead of output text.
 */
export function estimateUsage(req: Pick<ChatRequest, 'messages' | 'tools' | 'model'>, output: string, input?: EmbeddingRequest['input']): Usage {
  if (input !== undefined) {
    const inputs = Array.isArray(input) ? input : [input];
    const n = inputs.reduce<number>((acc, x) => acc + (typeof x === 'string' ? countTextTokens(x) : Array.isArray(x) ? x.length : 1), 0);
    return { prompt_tokens: n, completion_tokens: 0, total_tokens: n, estimated: true };
  }
  const prompt = countChatTokens(req.messages, req.tools, req.model);
  const completion = output ? countTextTokens(output, req.model) : 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, estimated: true };
}

/** The cost of a usage at a model's prices, in micro-dollars. */
export function priceUsage(model: ResolvedModel, usage: Usage): number {
  return costMicros(
    { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cachedTokens: usage.cached_tokens ?? 0, cacheWriteTokens: usage.cache_write_tokens ?? 0 },
    model.price,
  );
}

/** The usage record of a finished (or failed) call. */
export function usageRecordOf(call: GatewayCall, status: number, errorCode: string | null, meter: CallMeter | null): UsageRecord {
  const latencyMs = performance.now() - call.t0;
  const m = call.model;
  const upstreamMs = meter?.upstreamMs ?? 0;
  return {
    id: call.id,
    ts: call.startedAt,
    tenant: call.attribution.tenant,
    team: call.attribution.team,
    agent: call.attribution.agent,
    keyId: call.principal.keyId,
    session: call.attribution.session,
    tags: call.attribution.tags,
    route: call.route,
    requestedModel: call.requestedModel,
    model: m?.name ?? '',
    provider: m?.provider ?? '',
    upstreamModel: m?.upstream ?? '',
    stream: call.stream,
    status,
    errorCode,
    inputTokens: meter?.usage.prompt_tokens ?? 0,
    outputTokens: meter?.usage.completion_tokens ?? 0,
    cachedTokens: meter?.usage.cached_tokens ?? 0,
    estimated: !!meter?.usage.estimated,
    ttftMs: meter?.ttftMs ?? null,
    latencyMs,
    upstreamMs,
    overheadMs: Math.max(0, latencyMs - upstreamMs),
    costMicros: meter?.costMicros ?? 0,
    finishReason: meter?.finishReason ?? null,
    cache: call.cache,
    routingPolicy: call.routing?.policy ?? null,
    routingReason: call.routing?.reason ?? null,
    savedByCacheMicros: call.routing?.savedByCacheMicros ?? 0,
    savedByRoutingMicros: call.routing?.savedByRoutingMicros ?? 0,
  };
}
