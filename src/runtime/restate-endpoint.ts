/**
 * daca's Restate service endpoint: the SDK's handler on a node:http2 cleartext (h2c) server, so
 * restate-server can stream invocations (bidirectional HTTP/2). Its service set can be swapped
 * without moving the port (re-register the deployment after a swap).
 */
import { createServer, type Http2Session, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Logger } from 'pino';
import { createEndpointHandler } from './restate-sdk.js';

/** A service definition the SDK accepts (virtual object, workflow or service). */
export type RestateServiceDef = Parameters<typeof createEndpointHandler>[0]['services'][number];

/** The endpoint server. */
export class RestateEndpoint {
  private server: Http2Server | null = null;
  private handler: (req: Http2ServerRequest, res: Http2ServerResponse) => void = (_q, s) => {
    s.writeHead(503).end();
  };
  private port = 0;
  private readonly sessions = new Set<Http2Session>();

  /** `logger` receives the SDK's warnings and errors (its per-invocation info lines are dropped). */
  constructor(private readonly logger?: Pick<Logger, 'warn' | 'error'>) {}

  /** Serves `services`; replaces the previous set when already listening. */
  setServices(services: RestateServiceDef[]): void {
    const log = this.logger;
    const h = createEndpointHandler({
      services,
      logger: (meta, message, ...rest) => {
        if (meta.replaying || !log || (meta.level !== 'warn' && meta.level !== 'error')) return;
        log[meta.level]({ invocation: meta.context?.invocationId, target: meta.context?.invocationTarget }, [message, ...rest].map(String).join(' '));
      },
    });
    this.handler = (req, res) => h(req, res);
  }

  /** Listens on `host:port` (0: any free port); returns the bound port. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    if (this.server) return this.port;
    const server = createServer((req, res) => this.handler(req, res));
    server.on('session', (session: Http2Session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.server = server;
    return this.port;
  }

  /** Closes the server and its sessions. */
  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    // open HTTP/2 sessions from restate-server would keep close() waiting
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
    await closed;
  }
}
