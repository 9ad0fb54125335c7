import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { KeyRing } from './key-ring.js';
import { generateKeySecret, hashKeySecret, keyDisplayPrefix } from './key-secret.js';
import type { Principal } from './principal.js';

let store: Store;
afterEach(async () => store?.close());

async function withKey(agent: string | null = 'a1') {
  store = await openSqliteStore(':memory:');
  const secret = generateKeySecret();
  await store.keys.create({ id: 'key_1', hash: hashKeySecret(secret), prefix: keyDisplayPrefix(secret), name: null, tenant: 't', team: 'tm', agent, role: 'agent', models: ['small'], createdAt: 1, revokedAt: null, source: 'api' });
  return secret;
}

describe('KeyRing', () => {
  it('authenticates a stored key and caches it', async () => {
    const secret = await withKey();
    const ring = new KeyRing({ store });
    const p = await ring.authenticate(secret);
    expect(p).toMatchObject({ keyId: 'key_1', tenant: 't', team: 'tm', agent: 'a1', role: 'agent' });
    expect(p!.models!.has('small')).toBe(true);
    await store.keys.revoke('key_1', 2);
    // Cached: another node's revocation lands after refreshMs.
    expect(await ring.authenticate(secret)).not.toBeNull();
  });

  it('drops a key revoked on this node at once, and another node\'s revocation after refreshMs', async () => {
    const secret = await withKey();
    let now = 1000;
    const ring = new KeyRing({ store, now: () => now, refreshMs: 5000 });
    await ring.authenticate(secret);
    await store.keys.revoke('key_1', now);
    expect(await ring.authenticate(secret)).not.toBeNull();
    now += 5001;
    expect(await ring.authenticate(secret)).toBeNull();

    const ring2 = new KeyRing({ store, now: () => now });
    expect(await ring2.authenticate(secret)).toBeNull();
  });

  it('invalidateKey forgets the key immediately', async () => {
    const secret = await withKey();
    const ring = new KeyRing({ store });
    await ring.authenticate(secret);
    await store.keys.revoke('key_1', 5);
    ring.invalidateKey('key_1');
    expect(await ring.authenticate(secret)).toBeNull();
  });

  it('rejects unknown secrets and serves built-in keys', async () => {
    await withKey();
    const admin: Principal = { keyId: 'admin', role: 'admin', tenant: 'default', team: 'default', agent: null, models: null, dev: false };
    const ring = new KeyRing({ store, builtIn: new Map([[hashKeySecret('the-admin-secret-123'), admin]]) });
    expect(await ring.authenticate('dk-unknown-unknown-unknown')).toBeNull();
    expect(await ring.authenticate('the-admin-secret-123')).toBe(admin);
  });

  it('remembers a new key after a negative answer once invalidated', async () => {
    await withKey();
    const ring = new KeyRing({ store, negativeMs: 60_000 });
    const secret = generateKeySecret();
    expect(await ring.authenticate(secret)).toBeNull();
    await store.keys.create({ id: 'key_2', hash: hashKeySecret(secret), prefix: 'x', name: null, tenant: 't', team: 'tm', agent: null, role: 'agent', models: null, createdAt: 1, revokedAt: null, source: 'api' });
    ring.invalidateHash(hashKeySecret(secret));
    expect(await ring.authenticate(secret)).toMatchObject({ keyId: 'key_2' });
  });
});

describe('key secrets', () => {
  it('are dk- plus 40 base62 characters, unique, and hash to hex sha256', () => {
    const a = generateKeySecret();
    const b = generateKeySecret();
    expect(a).toMatch(/^dk-[A-Za-z0-9]{40}$/);
    expect(a).not.toBe(b);
    expect(hashKeySecret(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyDisplayPrefix(a)).toBe(`${a.slice(0, 7)}…`);
  });
});
