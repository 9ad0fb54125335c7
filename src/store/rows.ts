/**
 * Conversions between domain objects (`KeyRow`, `UsageRecord`) and table rows. Shared by both engines.
 */
import type { UsageRecord } from '../metering/usage-record.js';
import type { KeyRole, KeyRow } from './types.js';
import type { KeysTable, UsageEventsTable } from './db-schema.js';

/** Domain key -> `keys` row. */
export function keyToRow(k: KeyRow): KeysTable {
  return {
    id: k.id,
    hash: k.hash,
    prefix: k.prefix,
    name: k.name,
    tenant: k.tenant,
    team: k.team,
    agent: k.agent,
    role: k.role,
    models: k.models === null ? null : JSON.stringify(k.models),
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
    source: k.source,
    created_by: k.createdBy ?? null,
  };
}

/** `keys` row -> domain key. */
export function rowToKey(r: KeysTable): KeyRow {
  return {
    id: r.id,
    hash: r.hash,
    prefix: r.prefix,
    name: r.name,
    tenant: r.tenant,
    team: r.team,
    agent: r.agent,
    role: r.role as KeyRole,
    models: r.models === null ? null : (JSON.parse(r.models) as string[]),
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    source: r.source as KeyRow['source'],
    createdBy: r.created_by ?? null,
  };
}

/**
 * Domain usage record -> positional values in `USAGE_COLUMNS` order. Token counts and cost are
 * rounded so a stray fraction can never make a whole batch fail on PostgreSQL's integer columns.
 */
export function usageToValues(u: UsageRecord): (string | number | null)[] {
  return [
    u.id, u.ts, u.tenant, u.team, u.agent, u.keyId, u.session, JSON.stringify(u.tags ?? {}), u.route,
    u.requestedModel, u.model, u.provider, u.upstreamModel, u.stream ? 1 : 0, u.status, u.errorCode,
    Math.round(u.inputTokens), Math.round(u.outputTokens), Math.round(u.cachedTokens), u.estimated ? 1 : 0,
    u.ttftMs, u.latencyMs, u.upstreamMs, u.overheadMs, Math.round(u.costMicros), u.finishReason, u.cache,
    u.routingPolicy ?? null, u.routingReason ?? null, Math.round(u.savedByCacheMicros ?? 0), Math.round(u.savedByRoutingMicros ?? 0),
  ];
}

/** Domain usage record -> `usage_events` row object. */
export function usageToRow(u: UsageRecord): UsageEventsTable {
  return {
    id: u.id, ts: u.ts, tenant: u.tenant, team: u.team, agent: u.agent, key_id: u.keyId, session: u.session,
    tags: JSON.stringify(u.tags ?? {}), route: u.route, requested_model: u.requestedModel, model: u.model,
    provider: u.provider, upstream_model: u.upstreamModel, stream: u.stream ? 1 : 0, status: u.status,
    error_code: u.errorCode, input_tokens: Math.round(u.inputTokens), output_tokens: Math.round(u.outputTokens),
    cached_tokens: Math.round(u.cachedTokens), estimated: u.estimated ? 1 : 0, ttft_ms: u.ttftMs,
    latency_ms: u.latencyMs, upstream_ms: u.upstreamMs, overhead_ms: u.overheadMs,
    cost_micros: Math.round(u.costMicros), finish_reason: u.finishReason, cache: u.cache,
    routing_policy: u.routingPolicy ?? null, routing_reason: u.routingReason ?? null,
    saved_cache_micros: Math.round(u.savedByCacheMicros ?? 0), saved_routing_micros: Math.round(u.savedByRoutingMicros ?? 0),
  };
}

/** `usage_events` row -> domain usage record. */
export function rowToUsage(r: UsageEventsTable): UsageRecord {
  return {
    id: r.id,
    ts: Number(r.ts),
    tenant: r.tenant,
    team: r.team,
    agent: r.agent,
    keyId: r.key_id,
    session: r.session,
    tags: JSON.parse(r.tags) as Record<string, string>,
    route: r.route as UsageRecord['route'],
    requestedModel: r.requested_model,
    model: r.model,
    provider: r.provider,
    upstreamModel: r.upstream_model,
    stream: Number(r.stream) === 1,
    status: Number(r.status),
    errorCode: r.error_code,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cachedTokens: Number(r.cached_tokens),
    estimated: Number(r.estimated) === 1,
    ttftMs: r.ttft_ms === null ? null : Number(r.ttft_ms),
    latencyMs: Number(r.latency_ms),
    upstreamMs: Number(r.upstream_ms),
    overheadMs: Number(r.overhead_ms),
    costMicros: Number(r.cost_micros),
    finishReason: r.finish_reason,
    cache: r.cache as UsageRecord['cache'],
    routingPolicy: r.routing_policy ?? null,
    routingReason: r.routing_reason ?? null,
    savedByCacheMicros: Number(r.saved_cache_micros ?? 0),
    savedByRoutingMicros: Number(r.saved_routing_micros ?? 0),
  };
}
