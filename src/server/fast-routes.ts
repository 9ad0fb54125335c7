/**
 * Fast dispatch of the hot routes — the gateway's `POST /v1/chat/completions`, `/v1/messages`,
 * `/v1/embeddings`, and the mesh hop `POST /a2a/<agent>/` — straight from Node's request listener,
 * skipping the framework's per-request Request/Context/Response objects. The same handlers, the
 * same auth and the same `onError` run; only the adapter differs. Every other route goes through
 * the Hono app.
 *
 * Why: on these paths the framework adapter measured ~10–15% of daca's CPU per proxied request on
 * this 2-core machine (profiled; see docs/architecture.md), and the gateway's own overhead budget
 * is 0.5 ms.
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
    /** The absolute URL, as the framework's adapter builds it (scheme from the socket, host from `Host`). */
    readonly url: string;
    header(name: string): string | undefined;
    /** The route's one path parameter (dynamic routes only). */
    param(name: string): string | undefined;
    raw: { signal: AbortSignal };
  };

  constructor(incoming: IncomingMessage, outgoing: ServerResponse, path: string, param?: { name: string; value: string }) {
    this.env = { incoming, outgoing };
    let signal: AbortSignal | undefined;
    this.req = {
      path,
      method: incoming.method ?? 'GET',
      get url(): string {
        const scheme = (incoming.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
        return `${scheme}://${incoming.headers.host ?? 'localhost'}${incoming.url ?? '/'}`;
      },
      header: (name: string) => {
        const v = incoming.headers[name.toLowerCase()];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      param: (name: string) => (param && param.name === name ? param.value : undefined),
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

/**
 * A hot route with one path parameter: `POST <prefix><param>` and `POST <prefix><param>/`, the
 * handler authenticating the call itself (no middleware).
 */
export interface HotParamRoute {
  /** The fixed start of the path, with its trailing slash (`/a2a/`). */
  prefix: string;
  /** The parameter's name (`agent`): what the handler asks `c.req.param()` for. */
  param: string;
  handler: HotHandler;
}

/** What the fast dispatcher needs. */
export interface FastRoutesOptions {
  /** Hot routes by path (POST only). */
  routes: ReadonlyMap<string, HotHandler>;
  /** The auth middleware of `routes` (`/v1`'s). */
  auth: MiddlewareHandler;
  /** Hot routes with one path parameter (POST only). */
  paramRoutes?: readonly HotParamRoute[];
  /** The app's `onError`. */
  onError: (err: unknown, c: Context) => Response | Promise<Response>;
}

/**
 * A parameter value the fast path takes as it stands: plain characters only, so that the
 * framework would match and decode it the same way (a `%`-escape, a dot segment or anything
 * unusual goes through the framework instead).
 */
const PLAIN_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;
/** A `Host` header the framework's adapter takes as it stands (the same test it applies). */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/** The parameter of `path` under one of `routes`, if it is one. */
function matchParam(routes: readonly HotParamRoute[], path: string): { route: HotParamRoute; value: string } | null {
  for (const route of routes) {
    if (!path.startsWith(route.prefix)) continue;
    const end = path.charCodeAt(path.length - 1) === 47 ? path.length - 1 : path.length;
    const value = path.slice(route.prefix.length, end);
    if (PLAIN_SEGMENT.test(value)) return { route, value };
  }
  return null;
}

/** Runs `handler` (behind `auth` when given) and maps a throw through `onError`. */
function serve(c: Context, res: ServerResponse, handler: HotHandler, auth: MiddlewareHandler | null, onError: FastRoutesOptions['onError']): void {
  void (async () => {
    try {
      if (auth)
        await auth(c, async () => {
          await handler(c);
        });
      else await handler(c);
    } catch (e) {
      try {
        await onError(e, c);
      } catch {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    }
  })();
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
    if (handler) return serve(new NodeContext(req, res, path) as unknown as Context, res, handler, opts.auth, opts.onError);
    const hit = opts.paramRoutes ? matchParam(opts.paramRoutes, path) : null;
    const host = req.headers.host;
    if (!hit || !host || !PLAIN_HOST.test(host) || url.charCodeAt(0) !== 47) return void fallback(req, res);
    serve(new NodeContext(req, res, path, { name: hit.route.param, value: hit.value }) as unknown as Context, res, hit.route.handler, null, opts.onError);
  };
}
