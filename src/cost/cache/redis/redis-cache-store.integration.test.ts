import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResult } from '../../../providers/types.js';
import { ExactCache } from '../exact-cache.js';
import { RedisCacheStore } from './redis-cache-store.js';

/** Real Redis; this file fails (never skips) when it is unreachable. */
const REDIS_URL = process.env.DACA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `daca-test:${randomUUID().slice(0, 8)}:cache:`;
const stores: RedisCacheStore[] = [];

afterAll(async () => {
  for (const s of stores) await s.close();
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(...keys);
  await r.quit();
});

/** A "node": its own Redis connection and cache, the same key prefix as the others. */
function node(): ExactCache {
  const store = new RedisCacheStore({ url: REDIS_URL, prefix, onError: (e) => { throw e; } });
  stores.push(store);
  return new ExactCache({ store, ttlMs: 60_000, maxTemperature: 0 });
}

const req: ChatRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: 'What is the return window for the kettle?' }] };
const result: ChatResult = { id: 'c1', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'The answer is 28.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 } };

describe('RedisCacheStore', () => {
  it('shares entries between nodes, per tenant', async () => {
    const a = node();
    const b = node();
    expect(await b.lookup({ tenant: 'acme', model: 'gpt-4o' }, req)).toBeNull();
    await a.store({ tenant: 'acme', model: 'gpt-4o' }, req, result, { answeredBy: 'gpt-4o', costMicros: 90 });
    const hit = await b.lookup({ tenant: 'acme', model: 'gpt-4o' }, req);
    expect(hit?.result.choices[0]?.message.content).toBe('The answer is 28.');
    expect(hit?.savedMicros).toBe(90);
    expect(await b.lookup({ tenant: 'globex', model: 'gpt-4o' }, req)).toBeNull();
  });

  it('sets the TTL in Redis and treats an unreachable Redis as a miss', async () => {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    const ttl = await r.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await r.quit();
    const errors: unknown[] = [];
    const down = new RedisCacheStore({ url: 'redis://127.0.0.1:1', prefix, onError: (e) => errors.push(e) });
    stores.push(down);
    const c = new ExactCache({ store: down, ttlMs: 1000, maxTemperature: 0 });
    expect(await c.lookup({ tenant: 'acme', model: 'gpt-4o' }, req)).toBeNull();
    expect(errors.length).toBeGreaterThan(0);
  });
});
