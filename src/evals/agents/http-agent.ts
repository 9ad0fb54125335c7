/**
 * An agent behind an HTTP endpoint (the team's own agent service): each turn is
 * `POST <url>` with JSON `{input, history, case, persona, seed}`, answered by
 * `{output, tool_calls?, tool_results?, usage?, cost_usd?}`.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import { fromWire, type AgentReply, type AgentTurn, type AgentUnderTest, type AgentWireReply } from './types.js';

/** Options of {@link httpAgent}. */
export interface HttpAgentOptions {
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  version?: string;
}

/**
 * An {@link AgentUnderTest} that POSTs each turn to `url`.
 *
 * @example
 * ```ts
 * const agent = httpAgent({ url: 'http://127.0.0.1:3000/agent' });
 * ```
 */
export function httpAgent(opts: HttpAgentOptions): AgentUnderTest {
  const url = new URL(opts.url);
  const https = url.protocol === 'https:';
  const pool = https ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new Agent({ keepAlive: true, maxSockets: 64 });
  const send = https ? httpsRequest : request;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return {
    kind: 'http',
    model: undefined,
    version: opts.version ?? url.toString(),
    respond(turn: AgentTurn): Promise<AgentReply> {
      const payload = JSON.stringify({ input: turn.input, history: turn.history, case: turn.case, persona: turn.persona, seed: turn.seed });
      return new Promise((resolve, reject) => {
        const req = send(
          url,
          { method: 'POST', agent: pool, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...opts.headers } },
          (res: IncomingMessage) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const status = res.statusCode ?? 0;
              if (status < 200 || status >= 300) return reject(new UpstreamError(`agent at ${url.href} answered ${status}: ${text.slice(0, 200)}`, { details: { upstream_status: status } }));
              try {
                resolve(fromWire(JSON.parse(text) as AgentWireReply));
              } catch {
                reject(new UpstreamError(`agent at ${url.href} answered invalid JSON: ${text.slice(0, 120)}`));
              }
            });
          },
        );
        req.on('timeout', () => req.destroy(new UpstreamTimeoutError(`agent at ${url.href} did not answer within ${timeoutMs} ms`)));
        req.on('error', (e) => reject(e instanceof UpstreamError ? e : new UpstreamError(`cannot reach agent at ${url.href}: ${e.message}`, { cause: e })));
        req.end(payload);
      });
    },
    close() {
      pool.destroy();
    },
  };
}
