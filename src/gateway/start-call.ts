/**
 * Starting a gateway call from an HTTP request: body, attribution, ids, client-gone signal.
 */
import type { Context } from 'hono';
import { ClientClosedError, DacaError } from '../errors.js';
import { approvalHeaders } from '../guardrails/approvals/approval-headers.js';
import { attribute } from '../identity/attribution.js';
import { parseCacheDirective } from '../cost/cache/cache-directive.js';
import type { Principal } from '../identity/principal.js';
import { newRequestId, type GatewayCall, type GatewayRoute } from './call.js';
import { onClientGone } from './node-response.js';
import type { Gateway } from './gateway.js';
import { NOOP_TRACER, requestSpanName, requestStartAttributes, type Tracer } from '../telemetry/tracing/index.js';

/** Hono variables set by daca's middleware. */
export interface DacaVariables {
  principal: Principal;
  requestId: string;
}

/** What a gateway route needs. */
export interface GatewayRouteDeps {
  gateway: Gateway;
  maxBodyBytes: number;
  /** Tracer for request spans (NOOP_TRACER when absent). */
  tracer?: Tracer;
}

/** Builds the call for a request whose body has been read (or failed to be read). */
export function startCall(
  c: Context<{ Variables: DacaVariables }>,
  route: GatewayRoute,
  fields: { model: string; stream: boolean; metadata?: unknown; user?: unknown },
  tracer: Tracer = NOOP_TRACER,
): GatewayCall {
  const principal = c.get('principal');
  const attribution = attribute(principal, {
    agentHeader: c.req.header('x-daca-agent'),
    sessionHeader: c.req.header('x-daca-session'),
    tagsHeader: c.req.header('x-daca-tags'),
    metadata: fields.metadata,
    user: fields.user,
  });
  let id = c.get('requestId');
  if (!id) {
    id = newRequestId();
    c.set('requestId', id);
  }
  const t0 = performance.now();
  const traceparent = c.req.header('traceparent');
  const tracestate = c.req.header('tracestate');
  const span = tracer.startRequestSpan(requestSpanName(route, fields.model), {
    ...(traceparent ? { traceparent } : {}),
    ...(tracestate ? { tracestate } : {}),
    startTimeMs: performance.timeOrigin + t0,
    attributes: () => requestStartAttributes({ id: id!, route, requestedModel: fields.model, stream: fields.stream, ...attribution }),
  });
  const ac = new AbortController();
  const abort = (reason: DacaError): void => {
    if (!ac.signal.aborted) ac.abort(reason);
  };
  onClientGone(c, () => abort(new ClientClosedError('the client closed the connection')));
  return {
    id,
    startedAt: Date.now(),
    t0,
    route,
    principal,
    attribution,
    signal: ac.signal,
    abort,
    traceparent,
    span,
    stream: fields.stream,
    requestedModel: fields.model,
    model: null,
    recorded: false,
    approval: approvalHeaders((h) => c.req.header(h), ac.signal),
    reasons: [],
    via: [],
    dataSubject: c.req.header('x-daca-subject')?.slice(0, 256) || undefined,
    cacheDirective: parseCacheDirective(c.req.header('x-daca-cache')),
    cache: 'miss',
  };
}

/**
 * Runs a route body for a call; any error is metered once (status and code) and re-thrown for the
 * server's `onError`. A call that could not even be attributed (bad headers) is not metered.
 */
export async function meteredFailure<T>(gateway: Gateway, call: GatewayCall, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DacaError) await gateway.recordFailure(call, e).catch(() => {});
    throw e;
  }
}

/**
 * Response headers every gateway answer carries; `x-daca-model-downgraded: <requested>-><used>`
 * too when a budget near its limit or a spend goal moved the call to a cheaper model.
 */
export function dacaHeaders(call: GatewayCall, costMicros: number | null): Record<string, string> {
  const h: Record<string, string> = {
    'x-daca-request-id': call.id,
    'x-daca-model': call.model?.name ?? call.requestedModel,
    'x-daca-cache': call.cache,
  };
  const policy = call.routing?.policy;
  if ((policy === 'budget' || policy === 'goal') && call.model) h['x-daca-model-downgraded'] = `${call.requestedModel}->${call.model.name}`;
  if (costMicros !== null) h['x-daca-cost-usd'] = formatCostHeader(costMicros);
  return h;
}

/** Micro-dollars as a plain decimal string with 6 places, e.g. `0.000123`. */
export function formatCostHeader(micros: number): string {
  return (micros / 1_000_000).toFixed(6);
}
