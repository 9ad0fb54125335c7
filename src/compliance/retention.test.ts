import { afterEach, describe, expect, it } from 'vitest';
import { loadAuditPublicKey } from './key-material.js';
import { getAuditRecord } from './ledger-query.js';
import { DEFAULT_RETENTION, parseRetention, placeHold, purgeExpired, releaseHold } from './retention.js';
import { requestEntry, sqliteLedger } from './test-support.js';
import { verifyLedger } from './verify-ledger.js';

type Env = Awaited<ReturnType<typeof sqliteLedger>>;
let env: Env | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-26T00:00:00Z');

describe('retention', () => {
  it('parses durations', () => {
    expect(parseRetention('30d')).toBe(30 * DAY);
    expect(parseRetention('7y')).toBe(7 * 365 * DAY);
    expect(parseRetention('forever')).toBeNull();
    expect(() => parseRetention('soon')).toThrow(/duration/);
  });

  it('purges inputs past 30 days but keeps decisions, honours a legal hold, and the ledger still verifies', async () => {
    env = await sqliteLedger({ flushMs: 5, now: () => NOW });
    const { ledger } = env;
    // 10 old requests (40 days ago), 10 recent (1 day ago); session sess_0 of the old ones is on hold.
    for (let i = 0; i < 20; i++) ledger.append(requestEntry(i, { ts: NOW - (i < 10 ? 40 : 1) * DAY }));
    await ledger.flush();
    const hold = await placeHold(ledger, { reason: 'litigation 2026-17', session: 'sess_0' }, { kind: 'human', id: 'legal@acme' });
    const res = await purgeExpired(ledger, DEFAULT_RETENTION, NOW);
    const inputs = res.find((r) => r.part === 'inputs')!;
    // Old records 0..9; sess_0 holds i % 3 === 0 → 0, 3, 6, 9 stay.
    expect(inputs.purged).toBe(6);
    expect(res.filter((r) => r.part === 'body').every((r) => r.purged === 0)).toBe(true);

    const purged = await getAuditRecord(ledger.db, '2');
    expect(purged?.inputs).toBeNull();
    expect(purged?.body?.decision?.action).toBe('allowed'); // decisions are kept 7 years
    expect((await getAuditRecord(ledger.db, '4'))?.inputs?.inputs?.text).toBe('audit me 3'); // held
    expect((await getAuditRecord(ledger.db, '12'))?.inputs).not.toBeNull(); // recent

    const trusted = loadAuditPublicKey({ dataDir: env.dir, env: {} });
    let rep = await verifyLedger(ledger.db, trusted);
    expect(rep.firstProblem).toBeNull();
    expect(rep.purgedParts).toBe(6);

    // Removing a payload by hand (no purge notice covers it) is caught.
    await ledger.db.updateTable('audit_payloads').set({ inputs: null }).where('seq', '=', 15).execute();
    rep = await verifyLedger(ledger.db, trusted);
    expect(rep.firstProblem).toMatchObject({ kind: 'payload_missing', seq: 15 });

    await releaseHold(ledger, hold.id, { kind: 'human', id: 'legal@acme' });
    const again = await purgeExpired(ledger, DEFAULT_RETENTION, NOW);
    expect(again.find((r) => r.part === 'inputs')!.purged).toBe(4);
  });
});
