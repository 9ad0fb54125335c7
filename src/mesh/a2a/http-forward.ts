/**
 * Forwarding an A2A JSON-RPC request to an instance over HTTP/1.1 keep-alive, and classifying
 * failures for the balancer: a request that never reached the instance (connection refused, or a
 * pooled socket the instance had already closed) is safe to send elsewhere; one that did may have
 * been acted on.
 */
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AttemptError } from '../balancer/balancer.js';

const httpAgent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256, scheduling: 'lifo' });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256, scheduling: 'lifo' });

/** A parsed endpoint, cached per URL. */
interface Target {
  https: boolean;
  hostname: string;
  port: number;
  path: string;
}
const targets = new Map<string, Target>();

function targetOf(endpoint: string): Target {
  let t = targets.get(endpoint);
  if (!t) {
    const u = new URL(endpoint);
    t = { https: u.protocol === 'https:', hostname: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), path: u.pathname + u.search };
    if (targets.size > 10_000) targets.clear();
    targets.set(endpoint, t);
  }
  return t;
}

/** A buffered answer. */
export interface ForwardedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const NOT_DELIVERED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Opens a request and resolves with the response head (body unread). */
export function forwardRaw(endpoint: string, body: string | Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const t = targetOf(endpoint);
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = (t.https ? httpsRequest : request)({
      hostname: t.hostname, port: t.port, path: t.path, method: 'POST', agent: t.https ? httpsAgent : httpAgent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
    });
    const onAbort = (): void => {
      req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('response', (res) => {
      signal.removeEventListener('abort', onAbort);
      resolve(res);
    });
    req.once('error', (e: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(signal.reason);
      const code = e.code ?? '';
      // a pooled socket closed by the peer fails before the request is read: not delivered
      const delivered = !(NOT_DELIVERED.has(code) || (req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')));
      reject(new AttemptError(`instance ${endpoint}: ${e.message}`, delivered, true, { cause: e }));
    });
    req.end(body);
  });
}

/** Forwards and buffers the whole answer; a 5xx answer is a retryable attempt error. */
export async function forward(endpoint: string, body: string | Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<ForwardedAnswer> {
  const res = await forwardRaw(endpoint, body, headers, signal);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    res.on('data', (d: Buffer) => chunks.push(d));
    res.once('end', resolve);
    res.once('error', (e) => reject(new AttemptError(`instance ${endpoint}: ${e.message}`, true, true, { cause: e })));
    res.once('aborted', () => reject(new AttemptError(`instance ${endpoint}: the answer was cut off`, true, true)));
  });
  const status = res.statusCode ?? 502;
  const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  if (status >= 500) throw new AttemptError(`instance ${endpoint} answered ${status}`, true, true);
  return { status, headers: res.headers, body: buf };
}
