import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../../errors.js';
import type { Attribution, Principal } from '../../identity/principal.js';
import { RateLimitsSchema } from './limit-spec.js';
import { rateLimitError, RateLimits, type LimitDecision, type LimitTicket } from './rate-limits.js';

const principal = (over: Partial<Principal> = {}): Principal => ({ keyId: 'key_1', role: 'agent', tenant: 'acme', team: 'support', agent: null, models: null, dev: false, ...over });
const who = (agent = 'triage'): Attribution => ({ tenant: 'acme', team: 'support', agent, session: null, tags: {} });
const limits = (rules: unknown) => new RateLimits({ rules: RateLimitsSchema.parse(rules) });
function ticket(d: LimitDecision): LimitTicket {
  if (!d.allowed) throw new Error(`denied: ${d.limit}`);
  return d;
}

describe('RateLimits (memory)', () => {
  it('refuses the request over the per-minute limit and names it', async () => {
    const l = limits([{ scope: 'agent', agent: 'triage', rpm: 3 }]);
    for (let i = 0; i < 3; i++) ticket(await l.check(principal(), who(), 0));
    const d = await l.check(principal(), who(), 0);
    expect(d).toMatchObject({ allowed: false, limit: 'agent triage: 3 requests/min' });
    if (d.allowed) return;
    expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(d.retryAfterSeconds).toBeLessThanOrEqual(60);
    const err = rateLimitError(d);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.status).toBe(429);
    expect(err.headers['retry-after']).toBe(String(d.retryAfterSeconds));
    expect(err.message).toContain('agent triage: 3 requests/min');
    // Other agents are not limited by an entry naming triage.
    ticket(await l.check(principal(), who('writer'), 0));
  });

  it('gives every subject of a scope its own counter', async () => {
    const l = limits([{ scope: 'agent', rpm: 1 }]);
    ticket(await l.check(principal(), who('a'), 0));
    ticket(await l.check(principal(), who('b'), 0));
    expect((await l.check(principal(), who('a'), 0)).allowed).toBe(false);
  });

  it('corrects estimated tokens after the call', async () => {
    const l = limits([{ scope: 'team', tpm: 1000 }]);
    const t = ticket(await l.check(principal(), who(), 600));
    expect(await l.check(principal(), who(), 800)).toMatchObject({ allowed: false, limit: 'team support: 1000 tokens/min' });
    l.settle(t, 100); // the call used far fewer tokens than estimated
    ticket(await l.check(principal(), who(), 800));
    expect((await l.check(principal(), who(), 200)).allowed).toBe(false);
  });

  it('gives the estimate back when a call fails', async () => {
    const l = limits([{ scope: 'tenant', tpm: 1000 }]);
    const t = ticket(await l.check(principal(), who(), 900));
    l.release(t);
    l.release(t); // idempotent
    ticket(await l.check(principal(), who(), 900));
  });

  it('refuses a call whose estimate alone exceeds the tokens/min limit', async () => {
    const l = limits([{ scope: 'agent', tpm: 100 }]);
    expect(await l.check(principal(), who(), 101)).toMatchObject({ allowed: false, retryAfterSeconds: 60, limit: 'agent triage: 100 tokens/min (this call is estimated at 101 tokens)' });
  });

  it('limits concurrent requests and frees slots on settle and release', async () => {
    const l = limits([{ scope: 'key', concurrent: 2 }]);
    const a = ticket(await l.check(principal(), who(), 0));
    const b = ticket(await l.check(principal(), who(), 0));
    expect(await l.check(principal(), who(), 0)).toMatchObject({ allowed: false, retryAfterSeconds: 1, limit: 'key key_1: 2 concurrent requests' });
    l.settle(a, 0);
    const c = ticket(await l.check(principal(), who(), 0));
    l.release(b);
    l.release(c);
    ticket(await l.check(principal(), who(), 0));
    ticket(await l.check(principal(), who(), 0));
  });

  it('counts nothing for a refused call', async () => {
    const l = limits([{ scope: 'agent', rpm: 2, tpm: 100, concurrent: 5 }]);
    ticket(await l.check(principal(), who(), 90));
    for (let i = 0; i < 5; i++) expect((await l.check(principal(), who(), 50)).allowed).toBe(false); // tpm refuses
    ticket(await l.check(principal(), who(), 10)); // rpm and slots were not used by the refusals
    expect(await l.check(principal(), who(), 0)).toMatchObject({ allowed: false, limit: 'agent triage: 2 requests/min' });
  });

  it('lets the most specific entry of a scope win', async () => {
    const l = limits([
      { scope: 'agent', rpm: 1 },
      { scope: 'agent', team: 'support', agent: 'triage', rpm: 3 },
    ]);
    for (let i = 0; i < 3; i++) ticket(await l.check(principal(), who(), 0));
    expect((await l.check(principal(), who(), 0)).allowed).toBe(false);
    ticket(await l.check(principal(), who('writer'), 0));
    expect((await l.check(principal(), who('writer'), 0)).allowed).toBe(false);
  });

  it('costs a few microseconds per allowed check in memory', async () => {
    const l = limits([
      { scope: 'agent', rpm: 1e9, tpm: 1e12, concurrent: 1e6 },
      { scope: 'team', rpm: 1e9 },
    ]);
    const p = principal();
    const a = who();
    const none = limits([]);
    for (let i = 0; i < 2000; i++) l.settle(ticket(await l.check(p, a, 500)), 400);
    const n = 20_000;
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) none.settle(ticket(await none.check(p, a, 500)), 400);
    const emptyUs = Number(process.hrtime.bigint() - t0) / 1e3 / n;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) l.settle(ticket(await l.check(p, a, 500)), 400);
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
    console.log(`[rate limits] allowed check+settle: ${us.toFixed(2)} µs with rpm+tpm+concurrent+team rpm; ${emptyUs.toFixed(2)} µs with no limits`);
    expect(us).toBeLessThan(25);
  });
});
