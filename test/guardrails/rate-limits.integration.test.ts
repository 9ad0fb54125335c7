/**
 * Rate limits across nodes: two `daca up` processes sharing Redis counters take 200 concurrent SDK
 * calls (100 each) from one agent limited to 50 requests per minute: exactly 50 pass, the rest get
 * 429 `rate_limit_exceeded` with `Retry-After`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DacaProcess } from '../support/daca-process.js';
import { adminGet, outcome, REDIS_URL, runId, sdk, startNodes, stopNodes, writeSpec } from './fleet.js';

const BOT_KEY = 'sk-limits-bot-0123456789abcdef';
const WARM_KEY = 'sk-limits-warm-0123456789abcdef';
const SPEC = `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim }
models:
  small: { provider: sim, price: { input: 0.15, output: 0.6 } }
tenants: { acme: {} }
teams: { ops: { tenant: acme } }
agents:
  bot: { team: ops }
  warm: { team: ops }
keys:
  bot: { value: ${BOT_KEY}, agent: bot }
  warm: { value: ${WARM_KEY}, agent: warm }
rate_limits:
  - { scope: agent, rpm: 50 }
`;

let nodes: DacaProcess[] = [];

beforeAll(async () => {
  nodes = await startNodes(2, writeSpec(SPEC), { DACA_REDIS_URL: REDIS_URL, DACA_REDIS_PREFIX: runId('daca-test-rl') });
  // One call per node from another agent (its own counter), so both nodes have Redis connected.
  for (const n of nodes) await sdk(n.url, WARM_KEY).chat.completions.create({ model: 'small', max_tokens: 5, messages: [{ role: 'user', content: 'warm up' }] });
});
afterAll(() => stopNodes(nodes));

describe('rate limits shared through Redis (two daca up processes)', () => {
  it('an agent limited to 50 rpm gets exactly 50 of 200 concurrent calls over two nodes; the rest are 429 with Retry-After', async () => {
    const clients = nodes.map((n) => sdk(n.url, BOT_KEY));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        outcome(() => clients[i % 2]!.chat.completions.create({ model: 'small', max_tokens: 5, messages: [{ role: 'user', content: `[sim:tokens=5] ping ${i}` }] }).withResponse()),
      ),
    );
    const ok = outcomes.filter((o) => o.status === 200);
    const limited = outcomes.filter((o) => o.status !== 200);
    console.log(`[rate limits redis, 2 nodes] 200 concurrent calls: ${ok.length} ok (node A ${outcomes.filter((o, i) => i % 2 === 0 && o.status === 200).length}, node B ${outcomes.filter((o, i) => i % 2 === 1 && o.status === 200).length}), ${limited.length} x 429`);
    expect(ok.length).toBe(50);
    // The limit is shared, not per node: both nodes served part of the 50.
    expect(outcomes.filter((o, i) => i % 2 === 0 && o.status === 200).length).toBeGreaterThan(0);
    expect(outcomes.filter((o, i) => i % 2 === 1 && o.status === 200).length).toBeGreaterThan(0);
    for (const o of limited) {
      expect({ status: o.status, code: o.code }).toEqual({ status: 429, code: 'rate_limit_exceeded' });
      const retryAfter = Number(o.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(String(o.error?.message)).toContain('agent bot: 50 requests/min');
    }
    // Both nodes report the same shared count for the minute.
    for (const n of nodes) {
      const u = await adminGet<{ used_this_minute: { requests: number | null } }>(n.url, '/api/limits/agent/bot');
      expect(u.used_this_minute.requests).toBe(50);
    }
  });

  it('another agent keeps its own allowance', async () => {
    const r = await outcome(() => sdk(nodes[1]!.url, WARM_KEY).chat.completions.create({ model: 'small', max_tokens: 5, messages: [{ role: 'user', content: 'still fine' }] }).withResponse());
    expect(r.status).toBe(200);
  });
});
