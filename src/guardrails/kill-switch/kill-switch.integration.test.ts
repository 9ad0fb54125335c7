import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../errors.js';
import type { Attribution, Principal } from '../../identity/principal.js';
import { openPostgresStore } from '../../store/postgres/postgres-store.js';
import type { Store } from '../../store/types.js';
import { KillSwitch } from './kill-switch.js';

/** The test database; this file fails (never skips) when it is unreachable. */
const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_ks_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const stores: Store[] = [];
const principal: Principal = { keyId: 'key_1', role: 'agent', tenant: 'acme', team: 'support', agent: null, models: null, dev: false };
const who: Attribution = { tenant: 'acme', team: 'support', agent: 'triage', session: null, tags: {} };

afterAll(async () => {
  for (const s of stores) await s.close();
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

describe('kill switch across two nodes sharing PostgreSQL', () => {
  it('a suspension on one node stops the other within the poll interval, and resuming frees it', async () => {
    const [sa, sb] = await Promise.all([openPostgresStore(URL, { schema }), openPostgresStore(URL, { schema })]);
    stores.push(sa, sb);
    const a = new KillSwitch({ store: sa });
    const b = new KillSwitch({ store: sb, pollMs: 200 });
    b.start();
    try {
      await b.enforce(principal, who);
      const t0 = Date.now();
      await a.suspend({ kind: 'agent', subject: 'triage', reason: 'incident 7', by: 'ops' });
      let blockedAfter = -1;
      while (Date.now() - t0 < 3000) {
        try {
          await b.enforce(principal, who);
        } catch (e) {
          expect(e).toBeInstanceOf(ForbiddenError);
          expect((e as Error).message).toContain('incident 7');
          blockedAfter = Date.now() - t0;
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      console.log(`[kill switch postgres] node b refused the suspended agent ${blockedAfter} ms after node a suspended it`);
      expect(blockedAfter).toBeGreaterThanOrEqual(0);
      expect(blockedAfter).toBeLessThan(1000);
      await a.resume('agent', 'triage');
      await new Promise((r) => setTimeout(r, 500));
      await b.enforce(principal, who);
    } finally {
      b.close();
    }
  });
});
