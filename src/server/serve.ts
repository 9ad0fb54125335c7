/**
 * Starting and stopping a daca node: HTTP server, services, graceful drain on shutdown. The node
 * runs as a {@link LiveNode}: the app is built on its live view of the services, so a spec applied
 * through `/api/spec-ops/apply` (`daca apply --live`, `daca up --watch`) takes effect without a restart.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApp, fastRoutesOf } from './app.js';
import { withFastRoutes } from './fast-routes.js';
import { createServices, type Services, type ServicesOptions } from './services.js';
import { LiveNode } from '../ops/live-node.js';
import { liveRef } from '../ops/live-ref.js';
import { goalsOf, stopGoalsOf } from '../ops/goals/node-goals.js';
import { meshOf, notePublicUrl, toolboxOf } from '../mesh/node-mesh.js';

/** Options of a daca node. */
export interface StartOptions extends ServicesOptions {
  port: number;
  host: string;
  /** How long shutdown waits for in-flight requests before cutting them (ms). */
  drainMs?: number;
}

/** A running daca node. */
export interface RunningDaca {
  url: string;
  port: number;
  /** The live view of the node's services (what the app serves). */
  services: Services;
  /** Applies specs to the running node. */
  live: LiveNode;
  server: Server;
  /** Every route the app registered (method and path pattern), for tooling and the access tests. */
  routes: readonly { method: string; path: string }[];
  /** Stops accepting, drains in-flight requests, flushes usage, closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Starts a daca node. */
export async function startDaca(opts: StartOptions): Promise<RunningDaca> {
  let live: LiveNode | undefined;
  const base = await createServices({
    ...opts,
    currentSpec: () => live?.spec ?? opts.spec,
    agentGateway: (own) => liveRef(() => live?.services.gateway ?? own),
  });
  live = new LiveNode(base);
  const services = live.services;
  base.runtime.setTools(toolboxOf(services)); // prompt agents' `prompt.tools`, code agents' `ctx.tools`
  const state = { ready: true };
  const app = createApp(services, state);
  const honoListener = getRequestListener(app.fetch);
  const fast = fastRoutesOf.get(app);
  const server = createServer({ keepAliveTimeout: 65_000 }, fast && process.env.DACA_FAST_ROUTES !== '0' ? withFastRoutes(fast, honoListener) : honoListener);
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const every = Number(process.env.DACA_GOALS_EVERY_MS ?? 15_000);
  if (every > 0) goalsOf(services).start(every);
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  // The mesh opens now, not at the first mesh request: the spec's and stored external agents
  // register at once, and so do this node's agents when its public URL is known — DACA_PUBLIC_URL,
  // or a concrete listen address; on a wildcard address, the first request's Host.
  const wildcard = opts.host === '0.0.0.0' || opts.host === '::';
  meshOf(services)
    .then(() => {
      if (!wildcard) notePublicUrl(services, () => `http://${host}:${port}`);
    })
    .catch((e: unknown) => base.logger.warn({ err: e }, 'the mesh did not open at start; it opens on the first mesh request'));
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    services,
    live,
    server,
    routes: app.routes.map((r) => ({ method: r.method, path: r.path })),
    close() {
      closing ??= (async () => {
        state.ready = false;
        services.observability.hub.close(); // end live SSE streams so the drain is not held open
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), opts.drainMs ?? 10_000);
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        await drained;
        clearTimeout(timer);
        clearInterval(idle);
        stopGoalsOf(services);
        await services.close();
      })();
      return closing;
    },
  };
}
