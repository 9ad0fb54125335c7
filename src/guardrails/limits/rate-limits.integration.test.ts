import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Attribution, Principal } from '../../identity/principal.js';
import { RateLimitsSchema } from './limit-spec.js';
import { RateLimits, type LimitTicket } from './rate-limits.js';

/** Real Redis; this file fails (never skips) when it is unreachable. */
const REDIS_URL = process.env.DACA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `daca-test:${randomUUID().slice(0, 8)}`;
const principal: Principal = { keyId: 'key_1', role: 'agent', tenant: 'acme', team: 'support', agent: null, models: null, dev: false };
const who: Attribution = { tenant: 'acme', team: 'support', agent: 'triage', session: null, tags: {} };
const clients: Redis[] = [];
const engines: RateLimits[] = [];

afterAll(async () => {
  for (const e of engines) await e.close();
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(...keys);
  await r.quit();
  for (const c of clients) await c.quit();
});

/** Two "nodes": two engines, each with its own Redis connection, sharing one key prefix. */
function twoNodes(rules: unknown, sub: string): [RateLimits, RateLimits] {
  const parsed = RateLimitsSchema.parse(rules);
  const make = () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(redis);
    const e = new RateLimits({ rules: parsed, redis, keyPrefix: `${prefix}:${sub}`, onError: (err) => { throw err; } });
    engines.push(e);
    return e;
  };
  return [make(), make()];
}

describe('rate limits shared through Redis by two nodes', () => {
  it('admits exactly the limit of 200 concurrent requests across both', async () => {
    const nodes = twoNodes([{ scope: 'agent', rpm: 50 }], 'rpm');
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => nodes[i % 2]!.check(principal, who, 0)));
    const allowed = results.filter((r) => r.allowed).length;
    console.log(`[rate limits redis 2 nodes] allowed ${allowed} of 200 against 50 requests/min`);
    expect(allowed).toBe(50);
    const denied = results.find((r) => !r.allowed);
    expect(denied).toMatchObject({ allowed: false, limit: 'agent triage: 50 requests/min' });
    // A third node sees the same counter.
    const [late] = twoNodes([{ scope: 'agent', rpm: 50 }], 'rpm');
    expect((await late.check(principal, who, 0)).allowed).toBe(false);
  });

  it('shares token counts and their correction', async () => {
    const [a, b] = twoNodes([{ scope: 'team', tpm: 1000 }], 'tpm');
    const t = (await a.check(principal, who, 700)) as LimitTicket;
    expect(t.allowed).toBe(true);
    expect((await b.check(principal, who, 400)).allowed).toBe(false);
    a.settle(t, 200);
    await new Promise((r) => setTimeout(r, 50)); // the correction is written in the background
    expect((await b.check(principal, who, 700)).allowed).toBe(true);
  });

  it('shares concurrency slots', async () => {
    const [a, b] = twoNodes([{ scope: 'key', concurrent: 3 }], 'conc');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).check(principal, who, 0)));
    const held = results.filter((r): r is LimitTicket => r.allowed);
    expect(held).toHaveLength(3);
    a.release(held[0]!); // released on another node than the one that acquired it: slots are shared
    await new Promise((r) => setTimeout(r, 50));
    expect((await b.check(principal, who, 0)).allowed).toBe(true);
    expect((await a.check(principal, who, 0)).allowed).toBe(false);
  });
});

describe('rate limits when Redis is unreachable', () => {
  it('fall back to per-node memory counters and report the failure', async () => {
    const errors: unknown[] = [];
    const l = RateLimits.create({ rules: RateLimitsSchema.parse([{ scope: 'agent', rpm: 2 }]), redisUrl: 'redis://127.0.0.1:1', keyPrefix: `${prefix}:down`, onError: (e) => errors.push(e) });
    engines.push(l);
    expect((await l.check(principal, who, 0)).allowed).toBe(true);
    expect((await l.check(principal, who, 0)).allowed).toBe(true);
    expect(await l.check(principal, who, 0)).toMatchObject({ allowed: false, limit: 'agent triage: 2 requests/min' });
    expect(errors.length).toBeGreaterThan(0);
  });

  it('fail over fast when Redis goes away after start-up', async () => {
    const errors: unknown[] = [];
    const l = RateLimits.create({ rules: RateLimitsSchema.parse([{ scope: 'team', rpm: 1000 }]), redisUrl: REDIS_URL, keyPrefix: `${prefix}:outage`, onError: (e) => errors.push(e) });
    engines.push(l);
    expect((await l.check(principal, who, 0)).allowed).toBe(true);
    // Cut this node's connection (Redis itself stays up for the other tests).
    const redis = (l as unknown as { ownedRedis: Redis }).ownedRedis;
    redis.options.retryStrategy = () => 60_000; // stay disconnected for the rest of the test
    redis.disconnect(true);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    expect((await l.check(principal, who, 0)).allowed).toBe(true);
    expect(Date.now() - t0).toBeLessThan(100);
  });
});
