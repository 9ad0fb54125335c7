/**
 * A lean HTTP/1.1 keep-alive client for Restate's ingress and admin API. Calls that carry an
 * idempotency key are retried on connection failures (restate-server restarting) until their
 * deadline: Restate runs each idempotent call once, so a retry attaches to the same invocation.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { ClientClosedError, InternalError, UpstreamError, UpstreamUnavailableError } from '../errors.js';

/** Per-call options. */
export interface IngressCallOptions {
  /** Sent as `idempotency-key`: Restate runs the call once, so it is safe to retry. */
  idempotencyKey?: string | undefined;
  /** Retry on connection failures without an idempotency key (the call is idempotent by itself: workflow runs, attach). */
  retry?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Absolute deadline, epoch ms (default: 5 minutes from now). */
  deadlineMs?: number | undefined;
  /** Extra headers (e.g. `traceparent`). */
  headers?: Record<string, string> | undefined;
}

/** A failed Restate call: `status` is Restate's HTTP status, `body` its error text. */
export class RestateCallError extends UpstreamError {
  constructor(readonly httpStatus: number, readonly body: string) {
    super(`restate answered ${httpStatus}: ${body.slice(0, 300)}`);
  }
}

interface RawResponse {
  status: number;
  body: string;
}

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

/** Client for one Restate cluster's ingress (and admin) URL. */
export class IngressClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });
  private readonly host: string;
  private readonly port: number;

  constructor(readonly baseUrl: string) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port || 80);
  }

  /** Calls a virtual-object handler `service/key/handler` with a JSON body; returns its JSON output. */
  callObject<T>(service: string, key: string, handler: string, body: unknown, opts: IngressCallOptions = {}): Promise<T> {
    return this.json<T>('POST', `/${service}/${encodeURIComponent(key)}/${handler}`, body, opts);
  }

  /** POSTs JSON to `path` and parses the JSON answer (retrying when it carries an idempotency key). */
  async json<T>(method: string, path: string, body: unknown, opts: IngressCallOptions = {}): Promise<T> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const deadline = opts.deadlineMs ?? Date.now() + 300_000;
    let delay = 50;
    for (;;) {
      try {
        const r = await this.raw(method, path, payload, opts);
        if (r.status >= 200 && r.status < 300) return (r.body ? JSON.parse(r.body) : undefined) as T;
        throw new RestateCallError(r.status, r.body);
      } catch (e) {
        const code = (e as { code?: string }).code;
        const retry = (opts.idempotencyKey !== undefined || opts.retry === true) && code !== undefined && RETRYABLE.has(code) && !opts.signal?.aborted && Date.now() + delay < deadline;
        if (!retry) throw e instanceof RestateCallError || e instanceof ClientClosedError ? e : new UpstreamUnavailableError(`restate is unreachable at ${this.baseUrl}: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  /** Closes idle sockets. */
  close(): void {
    this.agent.destroy();
  }

  private raw(method: string, path: string, payload: string, opts: IngressCallOptions): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...opts.headers };
      if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
      const req = httpRequest({ host: this.host, port: this.port, method, path, headers, agent: this.agent, signal: opts.signal }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', (e) => reject(opts.signal?.aborted ? new ClientClosedError('the call was cancelled') : e));
      req.end(payload);
    });
  }
}

/** Registers (or re-registers, `force`) a service endpoint with a Restate admin API. */
export async function registerDeployment(adminUrl: string, endpointUrl: string, timeoutMs = 30_000): Promise<void> {
  const admin = new IngressClient(adminUrl);
  try {
    await admin.json('POST', '/deployments', { uri: endpointUrl, force: true }, { retry: true, deadlineMs: Date.now() + timeoutMs });
  } catch (e) {
    throw new InternalError(`could not register ${endpointUrl} with Restate at ${adminUrl}: ${(e as Error).message}`);
  } finally {
    admin.close();
  }
}
