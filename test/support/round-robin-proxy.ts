/**
 * A tiny round-robin HTTP load balancer for multi-node tests: each request goes to the next
 * backend; a backend that refuses or drops the connection is skipped (the request is sent to the
 * next one), as a load balancer with health checks would after a node dies.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface RoundRobinProxy {
  url: string;
  /** Requests each backend served. */
  served: Map<string, number>;
  close(): Promise<void>;
}

/** Starts a proxy in front of `backends` (base URLs). */
export async function startRoundRobinProxy(backends: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served = new Map(backends.map((b) => [b, 0]));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (tries: number): void => {
        const base = backends[next++ % backends.length]!;
        const u = new URL(req.url ?? '/', base);
        const up = request(u, { method: req.method, headers: { ...req.headers, host: u.host } }, (r) => {
          served.set(base, (served.get(base) ?? 0) + 1);
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', (e) => {
          if (tries + 1 < backends.length && !res.headersSent) return attempt(tries + 1);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `no backend answered: ${e.message}` } }));
        });
        up.end(body);
      };
      attempt(0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
