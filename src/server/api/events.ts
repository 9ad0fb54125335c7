/**
 * `GET /api/events`: the live event stream (Server-Sent Events) — `usage`, `alert`, `anomaly`,
 * and `dropped` when this client lagged. Needs an admin key as `Authorization: Bearer`, or as
 * `?key=` because browsers' EventSource cannot set headers. `?types=alert,anomaly` filters.
 * A comment line is sent every 15 s so proxies keep the connection open.
 */
import { Hono } from 'hono';
import { ForbiddenError, InvalidApiKeyError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { EventHub } from '../../telemetry/events/event-hub.js';
import { presentedKey, type Authenticator } from '../auth.js';

/** Builds the events API (mount it before the admin-only `/api` middleware: it authenticates itself). */
export function eventsApi(keyRing: Authenticator, hub: EventHub, opts: { heartbeatMs?: number } = {}) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const secret = presentedKey(c) ?? c.req.query('key');
    if (!secret) throw new InvalidApiKeyError('No API key provided. Send "Authorization: Bearer <admin key>" or ?key=<admin key>.');
    const principal = await keyRing.authenticate(secret);
    if (!principal) throw new InvalidApiKeyError('The API key is unknown or revoked.');
    if (principal.role !== 'admin') throw new ForbiddenError('The event stream needs an admin key (DACA_ADMIN_KEY).');
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
