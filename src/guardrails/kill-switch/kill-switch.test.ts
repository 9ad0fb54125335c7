import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../errors.js';
import type { Attribution, Principal } from '../../identity/principal.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/types.js';
import { KillSwitch, type SuspensionChange, type SuspensionFeed } from './kill-switch.js';

const principal: Principal = { keyId: 'key_1', role: 'agent', tenant: 'acme', team: 'support', agent: null, models: null, dev: false };
const who = (agent = 'triage'): Attribution => ({ tenant: 'acme', team: 'support', agent, session: null, tags: {} });
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function enforce(ks: KillSwitch, a: Attribution = who()): Promise<ForbiddenError | null> {
  try {
    await ks.enforce(principal, a);
    return null;
  } catch (e) {
    if (e instanceof ForbiddenError) return e;
    throw e;
  }
}

describe('KillSwitch', () => {
  it('refuses a suspended agent at once on the node that suspended it, with the reason', async () => {
    const store = await openSqliteStore(':memory:');
    stores.push(store);
    const ks = new KillSwitch({ store, now: () => Date.parse('2026-05-01T10:00:00Z') });
    expect(await enforce(ks)).toBeNull();
    await ks.suspend({ kind: 'agent', subject: 'triage', reason: 'runaway tool loop', by: 'ops' });
    const err = await enforce(ks);
    expect(err?.status).toBe(403);
    expect(err?.code).toBe('forbidden');
    expect(err?.message).toBe('agent triage is suspended: runaway tool loop (since 2026-05-01T10:00:00.000Z, by ops). An operator can lift it with `daca resume agent triage`.');
    expect(err?.details.suspension).toMatchObject({ kind: 'agent', subject: 'triage', reason: 'runaway tool loop', by: 'ops' });
    expect(await enforce(ks, who('writer'))).toBeNull();
    expect(await ks.resume('agent', 'triage')).toBe(true);
    expect(await ks.resume('agent', 'triage')).toBe(false);
    expect(await enforce(ks)).toBeNull();
  });

  it('suspends by key, team and tenant too', async () => {
    const store = await openSqliteStore(':memory:');
    stores.push(store);
    const ks = new KillSwitch({ store });
    for (const [kind, subject] of [['key', 'key_1'], ['team', 'support'], ['tenant', 'acme']] as const) {
      await ks.suspend({ kind, subject, reason: 'test', by: 'ops' });
      expect((await enforce(ks, who('anyone')))?.message).toMatch(new RegExp(`^${kind} ${subject} is suspended: test`));
      await ks.resume(kind, subject);
      expect(await enforce(ks, who('anyone'))).toBeNull();
    }
  });

  it('propagates between two instances sharing a store within the staleness bounds (injected clock)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'daca-ks-')), 'daca.db');
    const [sa, sb] = [await openSqliteStore(file), await openSqliteStore(file)];
    stores.push(sa, sb);
    let now = 1_000_000;
    const a = new KillSwitch({ store: sa, now: () => now });
    const b = new KillSwitch({ store: sb, now: () => now });
    expect(await enforce(b)).toBeNull(); // b loads its copy now
    await a.suspend({ kind: 'agent', subject: 'triage', reason: 'incident 42', by: 'ops' });
    now += 500; // b's copy is fresh: it does not read the store yet
    expect(await enforce(b)).toBeNull();
    now += 700; // older than pollMs: b re-reads in the background, this call still passes
    const p = b.enforce(principal, who());
    expect(p).toBeUndefined();
    await b.refresh();
    expect((await enforce(b))?.message).toContain('incident 42');
    await a.resume('agent', 'triage');
    now += 5000; // b was idle longer than maxStaleMs: it re-reads before deciding
    expect(await enforce(b)).toBeNull();
    await a.suspend({ kind: 'team', subject: 'support', reason: 'cost spike', by: 'ops' });
    now += 2500;
    expect((await enforce(b))?.message).toContain('cost spike');
    expect((await b.list()).map((s) => `${s.kind}:${s.subject}`)).toEqual(['team:support']);
  });

  it('applies changes pushed by a feed at once', async () => {
    const store = await openSqliteStore(':memory:');
    stores.push(store);
    const listeners = new Set<(c: SuspensionChange) => void>();
    const feed: SuspensionFeed = {
      publish: async (c) => listeners.forEach((l) => l(c)),
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    };
    const a = new KillSwitch({ store, feed });
    const b = new KillSwitch({ store, feed, pollMs: 1e9, maxStaleMs: 1e9 });
    await b.refresh();
    await a.suspend({ kind: 'agent', subject: 'triage', reason: 'pushed', by: 'ops' });
    expect(b.check(principal, who())?.reason).toBe('pushed');
    await a.resume('agent', 'triage');
    expect(b.check(principal, who())).toBeNull();
    b.close();
    expect(listeners.size).toBe(1);
  });
});
