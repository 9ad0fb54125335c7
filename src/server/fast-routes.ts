/**
 * Fast dispatch of the hot gateway routes (`POST /v1/chat/completions`, `/v1/messages`,
 * `/v1/embeddings`) straight from Node's request listener, skipping the framework's per-request
 * Request/Context/Response objects. The same handlers, the same auth middleware and the same
 * `onError` run; only the adapter differs. Every other route goes through the Hono app.
 *
 * Why: on the gateway's hot path the framework adapter measured ~10–15% of daca's CPU per proxied
 * request on this 2-core machine (profiled; see docs/architecture.md), and the gateway's own
 * overhead budget is 0.5 ms.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';

/** A handler of a hot route (written against Hono's Context). */
export type HotHandler = (c: Context) => Promise<Response> | Response;

/**
 * The subset of Hono's Context the gateway handlers and the auth middleware use, over Node's
 * request and response.
 */
class NodeContext {
  readonly env: { incoming: IncomingMessage; outgoing: ServerResponse };
  private readonly vars = new Map<string, unknown>();
  readonly req: {
    path: string;
    method: string;
    header(name: string): string | undefined;
    raw: { signal: AbortSignal };
  };

  constructor(incoming: IncomingMessage, outgoing: ServerResponse, path: string) {
    this.env = { incoming, outgoing };
    let signal: AbortSignal | undefined;
    this.req = {
      path,
      method: incoming.method ?? 'GET',
      header: (name: string) => {
        const v = incoming.headers[name.toLowerCase()];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      raw: {
        get signal(): AbortSignal {
          if (!signal) {
            const ac = new AbortController();
            outgoing.once('close', () => {
              if (!outgoing.writableFinished) ac.abort();
            });
            signal = ac.signal;
          }
          return signal;
        },
      },
    };
  }

  get(key: string): unknown {
    return this.vars.get(key);
  }

  set(key: string, value: unknown): void {
    this.vars.set(key, value);
  }

  json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
    const out = this.env.outgoing;
    if (!out.headersSent) {
      const text = JSON.stringify(body);
      out.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
      out.end(text);
    }
    return RESPONSE_ALREADY_SENT;
  }
}

/** What the fast dispatcher needs. */
export interface FastRoutesOptions {
  /** Hot routes by path (POST only). */
  routes: ReadonlyMap<string, HotHandler>;
  /** The auth middleware of `/v1`. */
  auth: MiddlewareHandler;
  /** The app's `onError`. */
  onError: (err: unknown, c: Context) => Response | Promise<Response>;
}

/**
 * Wraps a Node request listener: hot routes are served directly, the rest by `fallback`.
 */
export function withFastRoutes(
  opts: FastRoutesOptions,
  fallback: (req: IncomingMessage, res: ServerResponse) => unknown,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'POST') return void fallback(req, res);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const handler = opts.routes.get(path);
    if (!handler) return void fallback(req, res);
    const c = new NodeContext(req, res, path) as unknown as Context;
    void (async () => {
      try {
        await opts.auth(c, async () => {
          await handler(c);
        });
      } catch (e) {
        try {
          await opts.onError(e, c);
        } catch {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        }
      }
    })();
  };
}
