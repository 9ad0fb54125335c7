/**
 * `GET /api/events`: the live event stream (Server-Sent Events) — `usage`, `alert`, `anomaly`,
 * and `dropped` when this client lagged. Needs an admin key as `Authorization: Bearer`, or as
 * `?key=` because browsers' EventSource cannot set headers. `?types=alert,anomaly` filters.
 * A comment line is sent every 15 s so proxies keep the connection open.
 */
import { Hono } from 'hono';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { EventHub } from '../../telemetry/events/event-hub.js';

/** Builds the events API (behind the `/api` access middleware, which accepts `?key=` on this path). */
export function eventsApi(hub: EventHub, opts: { heartbeatMs?: number } = {}) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const types = c.req.query('types')?.split(',').map((t) => t.trim()).filter(Boolean);
    const sub = hub.subscribe(types?.length ? { types } : {});
    const enc = new TextEncoder();
    let beat: NodeJS.Timeout | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start(ctl) {
          ctl.enqueue(enc.encode(': connected\nretry: 3000\n\n'));
          beat = setInterval(() => sub.heartbeat(), opts.heartbeatMs ?? 15_000);
          beat.unref();
        },
        async pull(ctl) {
          const frame = await sub.next();
          if (frame === null) {
            clearInterval(beat);
            ctl.close();
            return;
          }
          ctl.enqueue(enc.encode(frame));
        },
        cancel() {
          clearInterval(beat);
          sub.close();
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' } });
  });
  return app;
}
