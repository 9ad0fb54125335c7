/**
 * A lean keep-alive client for daca's `/v1/chat/completions` that returns the canonical ChatResult
 * with the metered cost (`x-daca-cost-usd`), the request id and whether the cache answered.
 */
import { Agent, request } from 'node:http';
import type { ChatRequest, ChatResult } from '../../src/providers/types.js';

/** One call's answer. */
export interface DacaAnswer {
  result: ChatResult;
  costMicros: number;
  latencyMs: number;
  /** `x-daca-request-id`. */
  requestId: string;
  /** `x-daca-cache`. */
  cache: 'hit' | 'miss';
}

/** Calls daca over pooled sockets. */
export class DacaClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly base: URL;

  constructor(url: string, private readonly key: string) {
    this.base = new URL('/v1/chat/completions', url);
  }

  /** One chat completion with extra headers. */
  chat(req: ChatRequest, headers: Record<string, string>): Promise<DacaAnswer> {
    const t0 = performance.now();
    const { extra: _e, ...wire } = req;
    const body = JSON.stringify(wire);
    return new Promise((resolve, reject) => {
      const r = request(
        this.base,
        { method: 'POST', agent: this.agent, headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 400) return reject(new Error(`daca answered ${res.statusCode}: ${text.slice(0, 200)}`));
            const cost = Math.round(Number(res.headers['x-daca-cost-usd'] ?? 0) * 1e6);
            resolve({ result: JSON.parse(text) as ChatResult, costMicros: cost, latencyMs: performance.now() - t0, requestId: String(res.headers['x-daca-request-id'] ?? ''), cache: res.headers['x-daca-cache'] === 'hit' ? 'hit' : 'miss' });
          });
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
