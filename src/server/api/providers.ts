/**
 * `GET /api/providers`: every provider with its models and the health of each upstream
 * (circuit breaker state, recent error rate, last error).
 */
import { Hono } from 'hono';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { ResilientCaller } from '../../resilience/resilient-caller.js';
import type { Spec } from '../../spec/schema.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Builds the providers API. */
export function providersApi(spec: () => Spec, resilience: ResilientCaller) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', (c) => {
    const s = spec();
    const health = resilience.health();
    const data = Object.entries(s.providers).map(([name, p]) => {
      const upstreams = health
        .filter((h) => h.provider === name)
        .map((h) => ({
          upstream: h.upstream,
          models: h.models,
          breaker: h.breaker,
          requests: h.requests,
          failures: h.failures,
          error_rate: h.errorRate,
          window_ms: h.windowMs,
          last_error: h.lastError ? { code: h.lastError.code, message: h.lastError.message, at: iso(h.lastError.at) } : null,
          last_success_at: iso(h.lastSuccessAt),
        }));
      const open = upstreams.filter((u) => u.breaker === 'open').length;
      const status = upstreams.length > 0 && open === upstreams.length ? 'down' : open > 0 || upstreams.some((u) => u.breaker === 'half_open') ? 'degraded' : 'up';
      return { name, kind: p.kind, status, upstreams };
    });
    return c.json({ data });
  });
  return app;
}
